import { ConfigError } from '../../core/index.js';
import { decodeMtconnect } from './observations.js';
import { observationRow, parseMtMapping } from './mapping.js';

const v2 = {
  MTConnectStreams: {
    Streams: {
      DeviceStream: {
        name: 'VMC-3Axis',
        uuid: '000',
        ComponentStream: [
          {
            component: 'Rotary',
            componentId: 'c1',
            name: 'C',
            Samples: {
              SpindleSpeed: [
                {
                  dataItemId: 'c2',
                  timestamp: '2026-11-23T06:00:02Z',
                  sequence: 2,
                  value: '8000.5',
                },
                {
                  dataItemId: 'c2',
                  timestamp: '2026-11-23T06:00:01Z',
                  sequence: 1,
                  value: 'UNAVAILABLE',
                },
              ],
            },
            Condition: {
              Warning: [
                { dataItemId: 'c3', type: 'TEMPERATURE', timestamp: '2026-11-23T06:00:03Z' },
              ],
            },
          },
        ],
      },
    },
  },
};
const v1 = {
  MTConnectStreams: {
    Streams: {
      DeviceStream: [
        {
          name: 'VMC-3Axis',
          ComponentStream: [
            {
              componentId: 'cn',
              Events: [
                {
                  Execution: {
                    dataItemId: 'e1',
                    timestamp: '2026-11-23T06:00:00Z',
                    value: 'ACTIVE',
                  },
                },
                { Block: { dataItemId: 'e2', timestamp: 'yesterday', value: 'G01' } },
              ],
            },
          ],
        },
      ],
    },
  },
};

describe('decodeMtconnect', () => {
  it('flattens the version 2 layout by time, UNAVAILABLE as null, condition level as value', () => {
    const { observations, problems } = decodeMtconnect(v2);
    expect(problems).toEqual([]);
    expect(observations).toEqual([
      expect.objectContaining({
        device: 'VMC-3Axis',
        uuid: '000',
        component: 'C',
        dataItemId: 'c2',
        type: 'SpindleSpeed',
        category: 'SAMPLE',
        value: null,
      }),
      expect.objectContaining({
        dataItemId: 'c2',
        value: 8000.5,
        time: Date.parse('2026-11-23T06:00:02Z'),
      }),
      expect.objectContaining({
        dataItemId: 'c3',
        type: 'TEMPERATURE',
        category: 'CONDITION',
        value: 'Warning',
      }),
    ]);
  });

  it('reads the version 1 layout and names what it cannot read', () => {
    const { observations, problems } = decodeMtconnect(v1);
    expect(observations).toEqual([
      expect.objectContaining({
        component: 'cn',
        type: 'Execution',
        category: 'EVENT',
        value: 'ACTIVE',
      }),
    ]);
    expect(problems).toEqual([
      { path: 'DeviceStream[0].ComponentStream[0].Events.Block[1]', detail: 'bad timestamp' },
    ]);
    expect(decodeMtconnect({ hello: 1 }).problems).toEqual([
      { path: '$', detail: 'not an MTConnectStreams document' },
    ]);
  });
});

describe('mapping file', () => {
  const mapping = parseMtMapping({
    version: 1,
    deviceTypes: [
      {
        name: 'vmc',
        devices: '^VMC-',
        columns: [
          { column: 'speed', dataItemId: 'c2' },
          { column: 'running', type: 'Execution', values: { ACTIVE: 1, READY: 0 } },
          { column: 'temp_condition', type: 'TEMPERATURE', category: 'CONDITION' },
        ],
      },
    ],
  });
  const type = mapping.deviceTypes[0]!;

  it('picks, renames and numbers observations as long rows of their minute', () => {
    const rows = [...decodeMtconnect(v2).observations, ...decodeMtconnect(v1).observations].map(
      (o) => observationRow(type, o),
    );
    const minute = Date.parse('2026-11-23T06:00:00Z');
    expect(rows).toEqual([
      { time: minute, deviceId: 'VMC-3Axis', measure_name: 'speed', measure_value: NaN },
      { time: minute, deviceId: 'VMC-3Axis', measure_name: 'speed', measure_value: 8000.5 },
      { time: minute, deviceId: 'VMC-3Axis', measure_name: 'temp_condition', measure_value: 1 },
      { time: minute, deviceId: 'VMC-3Axis', measure_name: 'running', measure_value: 1 },
    ]);
  });

  it.each([
    [{ version: 2, deviceTypes: [] }, 'mapping.version'],
    [
      {
        version: 1,
        deviceTypes: [{ name: 'x', devices: '(', columns: [{ column: 'a', type: 'T' }] }],
      },
      'mapping.deviceTypes.0.devices',
    ],
    [
      {
        version: 1,
        deviceTypes: [{ name: 'x', devices: '.', columns: [{ column: 'A b', type: 'T' }] }],
      },
      'mapping.deviceTypes.0.columns.0.column',
    ],
    [
      { version: 1, deviceTypes: [{ name: 'x', devices: '.', columns: [{ column: 'a' }] }] },
      'mapping.deviceTypes.0.columns.0',
    ],
  ])('rejects an invalid file naming the field (%#)', (json, field) => {
    expect(() => parseMtMapping(json)).toThrow(ConfigError);
    expect(() => parseMtMapping(json)).toThrow(field);
  });
});
