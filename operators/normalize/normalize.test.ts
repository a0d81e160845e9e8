import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { normalize } from './normalize.js';
import { RunningStatsStore, EMPTY_STATS, stdDev, welford } from './running-stats.js';
import { units } from './units.js';
import { deadLetter, PositionSet } from '../../core/lineage/index.js';
import { isDeadLetter, type Flow } from '../flow/index.js';
import type { DeviceReading, HouseholdReading } from '../../core/schema/index.js';
import { ConfigError } from '../../core/index.js';
import { at, device, marbles } from '../testing/fixtures.js';

const ps = (o: number) => PositionSet.single('s', o);
const run = async (input: Flow<DeviceReading>[], op = normalize<DeviceReading>()) =>
  lastValueFrom(from(input).pipe(op, toArray()));

describe('normalize', () => {
  it('converts units before checking ranges (marbles)', () => {
    marbles().run(({ cold, expectObservable }) => {
      const src = cold('a-b|', {
        a: at(device('d', 0, 50, { temperature: 212 }), 0),
        b: at(device('d', 60, 50, { temperature: 68 }), 1),
      });
      const out = src.pipe(normalize({ convert: { temperature: units.fahrenheitToCelsius } }));
      expectObservable(out).toBe('a-b|', {
        a: deadLetter(
          'out-of-range',
          'temperature=100 outside [-40, 85]',
          device('d', 0, 50, { temperature: 212 }),
          ps(0),
        ),
        b: at({ ...device('d', 60, 50, { temperature: 20 }), outOfRange: [] }, 1),
      });
    });
  });

  it('flags instead of dead-lettering when asked, and passes dead letters through', async () => {
    const dl = deadLetter('schema', 'x', {}, ps(5));
    const out = await run([at(device('d', 0, 900), 0), dl], normalize({ outOfRange: 'flag' }));
    expect(out[0]).toMatchObject({ value: { readings: { iaq: 900 }, outOfRange: ['iaq'] } });
    expect(out[1]).toBe(dl);
  });

  it('z-scores per key with Welford statistics; the first value scales to 0', async () => {
    const input = [
      at(device('a', 0, 10), 0),
      at(device('b', 0, 100), 1),
      at(device('a', 60, 20), 2),
      at(device('a', 120, 30), 3),
    ];
    const out = await run(input, normalize({ scale: { method: 'z-score', measures: ['iaq'] } }));
    const iaq = out.map((e) => (isDeadLetter(e) ? NaN : e.value.readings.iaq));
    // a: [10] → 0; b: [100] → 0; a: [10,20] mean 15 sd 5 → 1; a: [10,20,30] mean 20 sd √(200/3)
    expect(iaq[0]).toBe(0);
    expect(iaq[1]).toBe(0);
    expect(iaq[2]).toBeCloseTo(1, 12);
    expect(iaq[3]).toBeCloseTo(10 / Math.sqrt(200 / 3), 12);
    // unscaled measures untouched
    expect(out[3]).toMatchObject({ value: { readings: { temperature: 21 } } });
  });

  it('min-max scales from a seeded store and keeps learning into it', async () => {
    const stats = new RunningStatsStore({
      a: { iaq: { count: 2, mean: 50, m2: 5000, min: 0, max: 100 } },
    });
    const out = await run(
      [at(device('a', 0, 25), 0)],
      normalize({ scale: { method: 'min-max', measures: ['iaq'], stats } }),
    );
    expect(out[0]).toMatchObject({ value: { readings: { iaq: 0.25 } } });
    expect(stats.get('a', 'iaq').count).toBe(3);
    expect(
      new RunningStatsStore(JSON.parse(JSON.stringify(stats.snapshot()))).get('a', 'iaq').count,
    ).toBe(3);
  });

  it('does not learn from out-of-range values in flag mode', async () => {
    const stats = new RunningStatsStore();
    await run(
      [at(device('a', 0, 10), 0), at(device('a', 60, 9999), 1)],
      normalize({ outOfRange: 'flag', scale: { method: 'z-score', stats } }),
    );
    expect(stats.get('a', 'iaq').count).toBe(1);
  });

  it('checks household measures against their own plausible ranges', async () => {
    const hh = (voltage: number): HouseholdReading => ({
      kind: 'household',
      householdId: 'h-1',
      ts: '2006-12-16T17:24:00.000Z',
      readings: {
        globalActivePower: 4.2,
        globalReactivePower: 0.4,
        voltage,
        globalIntensity: 18,
        subMetering1: 0,
        subMetering2: 1,
        subMetering3: 17,
      },
    });
    const out = await lastValueFrom(
      from([at(hh(234.8), 0), at(hh(400), 1)]).pipe(normalize<HouseholdReading>(), toArray()),
    );
    expect(out.map((e) => (isDeadLetter(e) ? e.detail : 'ok'))).toEqual([
      'ok',
      'voltage=400 outside [180, 270]',
    ]);
  });

  it('rejects invalid options up front with a ConfigError', () => {
    expect(() => normalize({ outOfRange: 'drop' as 'flag' })).toThrow(ConfigError);
    expect(() => normalize({ ranges: { iaq: [5, 1] } })).toThrow(ConfigError);
  });

  it('property: Welford matches the two-pass mean and variance', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }),
        (xs) => {
          const s = xs.reduce(welford, EMPTY_STATS);
          const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
          const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
          expect(Math.abs(s.mean - mean)).toBeLessThanOrEqual(
            1e-9 * Math.max(1, Math.abs(mean), ...xs.map(Math.abs)),
          );
          const expectedVar = xs.length < 2 ? 0 : variance;
          expect(Math.abs(stdDev(s) ** 2 - expectedVar)).toBeLessThanOrEqual(
            1e-6 * Math.max(1, expectedVar),
          );
          expect(s.min).toBe(Math.min(...xs));
          expect(s.max).toBe(Math.max(...xs));
        },
      ),
    );
  });

  it('property: one output per input, carrying exactly its positions', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: -100, max: 700 }), { maxLength: 40 }),
        async (iaqs) => {
          const out = await run(iaqs.map((v, i) => at(device('k' + (i % 3), i, v), i)));
          expect(out).toHaveLength(iaqs.length);
          out.forEach((e, i) => {
            expect(e.positions.equals(ps(i))).toBe(true);
            expect(isDeadLetter(e)).toBe(iaqs[i]! < 0 || iaqs[i]! > 500);
          });
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('normalize output shape (issue 16: built without a spread)', () => {
  it('has the own keys, order, values and prototype of { ...reading, readings, outOfRange }', async () => {
    const plain = device('d', 0, 50);
    const extra = { ...device('e', 60, 50), site: 'north', readings: { ...plain.readings, x: 1 } };
    const proto = JSON.parse(
      '{"__proto__":{"polluted":true},"kind":"device","deviceId":"p","ts":"1970-01-01T00:00:00Z","readings":{"iaq":50}}',
    ) as DeviceReading;
    const out = await run([
      { value: plain, positions: ps(0) },
      { value: extra as DeviceReading, positions: ps(1) },
      { value: proto, positions: ps(2) },
    ]);
    const inputs = [plain, extra, proto] as DeviceReading[];
    out.forEach((o, i) => {
      const r = inputs[i]!;
      const want: Record<string, unknown> = { ...r, readings: { ...r.readings }, outOfRange: [] };
      const got = (o as { value: Record<string, unknown> }).value;
      expect(Reflect.ownKeys(got)).toEqual(Reflect.ownKeys(want));
      expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
      expect(JSON.stringify(got)).toBe(JSON.stringify(want));
      expect(got).not.toBe(r);
    });
    expect(Object.hasOwn((out[2] as { value: object }).value, '__proto__')).toBe(true);
  });
});
