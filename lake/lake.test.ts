import { ConfigError } from '../core/index.js';
import { toCsv } from './encode.js';
import { exportRange, latestPrefix, partitionKey, rangePrefix, wholeDays } from './layout.js';
import { DEVICES_TABLE, rawRow, scoreRow } from './tables.js';

const device = {
  kind: 'device',
  deviceId: 'd-1',
  ts: '2026-11-23T05:00:00.000Z',
  readings: { iaq: 45.2, temperature: 21.3, humidity: 40.1, voc: 0.52, pressure: 1013.2, co2: 612 },
};

describe('lake tables', () => {
  it('places a device reading as one wide, typed row', () => {
    expect(rawRow(device)).toEqual({
      table: 'devices',
      time: Date.parse(device.ts),
      cells: [Date.parse(device.ts), 'd-1', 45.2, 21.3, 40.1, 0.52, 1013.2, 612],
    });
  });

  it('rejects what is not a valid reading or score line', () => {
    expect(rawRow({ kind: 'device', deviceId: 'd' })).toBeUndefined();
    expect(rawRow('text')).toBeUndefined();
    expect(scoreRow({ key: 'd', windowStart: 'not a time', score: 1 })).toBeUndefined();
  });

  it('places a score line with its values, missing measures null', () => {
    const row = scoreRow({
      pipeline: 'devices',
      key: 'd-1',
      windowStart: '2026-11-23T05:00:00.000Z',
      score: 1.5,
      grade: 0,
      threshold: 2,
      values: { iaq: 40 },
    });
    expect(row?.table).toBe('scores');
    expect(row?.cells.slice(0, 7)).toEqual([
      Date.parse('2026-11-23T05:00:00.000Z'),
      'devices',
      'd-1',
      1.5,
      0,
      2,
      40,
    ]);
    expect(row?.cells.slice(7).every((c) => c === null)).toBe(true);
  });
});

describe('lake layout', () => {
  it('names partitions by day under the range or the rolling prefix', () => {
    const from = new Date('2026-11-01T00:00:00Z');
    const to = new Date('2026-11-08T00:00:00Z');
    expect(partitionKey(rangePrefix(from, to), 'devices', '2026-11-03', 'parquet')).toBe(
      'export/2026-11-01.2026-11-08/devices/dt=2026-11-03/devices.parquet',
    );
    expect(latestPrefix(7)).toBe('latest/7-days/');
  });

  it('--days N covers the N days ending with today', () => {
    const now = Date.parse('2026-11-29T13:00:00Z');
    const r = exportRange({ days: 2 }, now);
    expect(r.from.toISOString()).toBe('2026-11-28T00:00:00.000Z');
    expect(r.to.toISOString()).toBe('2026-11-30T00:00:00.000Z');
  });

  it('knows whole-day ranges (only they replace a lake partition)', () => {
    expect(wholeDays(exportRange({ from: '2026-11-01', to: '2026-11-02' }, 0))).toBe(true);
    expect(wholeDays(exportRange({ from: '2026-11-01T06:00Z', to: '2026-11-02' }, 0))).toBe(false);
  });

  it('rejects bad ranges naming the option', () => {
    expect(() => exportRange({ from: 'x', to: '2026-01-01' }, 0)).toThrow(ConfigError);
    expect(() => exportRange({ from: '2026-01-02', to: '2026-01-01' }, 0)).toThrow(/--to/);
    expect(() => exportRange({ days: 0 }, 0)).toThrow(/--days/);
    expect(() => exportRange({ from: '1900-01-01', to: '2100-01-01' }, 0)).toThrow(/3660/);
  });
});

describe('lake CSV', () => {
  it('writes a header, ISO times, quoted strings and empty missing values', () => {
    const csv = toCsv(DEVICES_TABLE, [[0, 'a,"b"', 1, null, 3, 4, 5, 6]]);
    expect(csv).toBe(
      'time,device,iaq,temperature,humidity,voc,pressure,co2\n' +
        '1970-01-01T00:00:00.000Z,"a,""b""",1,,3,4,5,6\n',
    );
  });
});
