import { PLAUSIBLE_RANGES } from '../../core/index.js';
import { decideMqttMessage, deviceIdOfTopic } from './mqtt-message.js';

const rules = {
  now: Date.parse('2026-11-23T05:00:00Z'),
  maxFutureSkewMs: 60_000,
  ranges: PLAUSIBLE_RANGES,
};
const reading = (deviceId: string, over: Record<string, unknown> = {}) => ({
  kind: 'device',
  deviceId,
  ts: '2026-11-23T05:00:00.000Z',
  readings: { iaq: 45, temperature: 21, humidity: 40, voc: 0.5, pressure: 1013, co2: 600 },
  ...over,
});
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('decideMqttMessage', () => {
  it('puts a valid reading with the topic device id as partition key', () => {
    const out = decideMqttMessage('shardflow/readings/B84C', bytes(reading('B84C')), rules);
    expect(out).toEqual({
      ok: true,
      partitionKey: 'B84C',
      data: JSON.stringify(reading('B84C')),
    });
  });

  it('normalizes the legacy sensor shape', () => {
    const legacy = {
      devid: 'AB12',
      ts: '2026-11-23T05:00:00.000Z',
      readings: [45, 21, 40, 0.5, 1013, 600, 1],
    };
    const out = decideMqttMessage('shardflow/readings/AB12', bytes(legacy), rules);
    if (!out.ok) throw new Error(out.detail);
    expect(JSON.parse(out.data)).toMatchObject({ kind: 'device', deviceId: 'AB12' });
  });

  it.each([
    ['not json', Buffer.from('{oops'), 'invalid-json'],
    ['not utf-8', Buffer.from([0xff, 0xfe, 0x7b]), 'invalid-json'],
    ['wrong shape', bytes({ hello: 1 }), 'schema'],
    ['another device', bytes(reading('OTHER')), 'schema'],
    [
      'out of range',
      bytes(reading('B84C', { readings: { ...reading('B84C').readings, co2: -5 } })),
      'out-of-range',
    ],
    ['far future', bytes(reading('B84C', { ts: '2026-11-23T06:00:00.000Z' })), 'future-timestamp'],
  ])('dead-letters %s', (_name, payload, reason) => {
    const out = decideMqttMessage('shardflow/readings/B84C', payload, rules);
    expect(out).toMatchObject({ ok: false, reason });
  });

  it('names no device for a topic ending in a slash', () => {
    expect(deviceIdOfTopic('shardflow/readings/')).toBeUndefined();
    expect(decideMqttMessage('shardflow/readings/', bytes(reading('x')), rules)).toMatchObject({
      ok: false,
      reason: 'schema',
    });
  });
});
