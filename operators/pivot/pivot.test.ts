import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { pivot } from './pivot.js';
import {
  parsePredictionName,
  predictionColumns,
  predictionName,
  type LongRow,
  type WideRow,
} from './rows.js';
import { deadLetter, PositionSet } from '../../core/lineage/index.js';
import { isDeadLetter, mapTraced, type Flow } from '../flow/index.js';
import { ConfigError } from '../../core/index.js';
import { at, longRows, marbles, unionOf } from '../testing/fixtures.js';

const row = (
  deviceId: string,
  time: number,
  measure_name: string,
  measure_value: number | null,
): LongRow => ({ time, deviceId, measure_name, measure_value });
const ps = (...o: number[]) => PositionSet.of(...o.map((ordinal) => ({ shardId: 's', ordinal })));

describe('prediction names', () => {
  it('name and parse measure~minutesAhead', () => {
    expect(predictionName('iaq', 15)).toBe('iaq~15');
    expect(parsePredictionName('iaq~15')).toEqual({ measure: 'iaq', minutesAhead: 15 });
    expect(parsePredictionName('iaq')).toBeUndefined();
    expect(parsePredictionName('iaq~0')).toBeUndefined();
    expect(predictionColumns(['iaq', 'co2'], [5, 15])).toEqual([
      'iaq~5',
      'iaq~15',
      'co2~5',
      'co2~15',
    ]);
    expect(() => predictionName('iaq', 0)).toThrow(ConfigError);
  });
});

describe('pivot', () => {
  const columns = ['iaq', 'co2', 'iaq~15'];

  it('emits a row as soon as every declared column is present', () => {
    marbles().run(({ cold, expectObservable }) => {
      const src = cold('abc|', {
        a: at(row('d', 0, 'iaq', 40), 0),
        b: at(row('d', 0, 'iaq~15', 45), 1),
        c: at(row('d', 0, 'co2', 600), 2),
      });
      expectObservable(src.pipe(pivot({ columns }))).toBe('--w|', {
        w: at<WideRow>(
          { time: 0, deviceId: 'd', values: { iaq: 40, co2: 600, 'iaq~15': 45 }, unknown: [] },
          0,
          1,
          2,
        ),
      });
    });
  });

  it('fills missing measures with null when a later time arrives, and reports unknown ones', () => {
    marbles().run(({ cold, expectObservable }) => {
      const src = cold('a-b-c-e|', {
        a: at(row('d', 0, 'iaq', 40), 0),
        b: at(row('d', 0, 'humidity', 33), 1),
        c: at(row('x', 0, 'co2', 500), 2),
        e: at(row('d', 60, 'co2', 610), 3),
      });
      expectObservable(src.pipe(pivot({ columns }))).toBe('------w(zy|)', {
        w: at<WideRow>(
          {
            time: 0,
            deviceId: 'd',
            values: { iaq: 40, co2: null, 'iaq~15': null },
            unknown: ['humidity'],
          },
          0,
          1,
        ),
        y: at<WideRow>(
          { time: 60, deviceId: 'd', values: { iaq: null, co2: 610, 'iaq~15': null }, unknown: [] },
          3,
        ),
        z: at<WideRow>(
          { time: 0, deviceId: 'x', values: { iaq: null, co2: 500, 'iaq~15': null }, unknown: [] },
          2,
        ),
      });
    });
  });

  it('accepts batches, dead-letters mixed batches, passes dead letters through', () => {
    marbles().run(({ cold, expectObservable }) => {
      const dl = deadLetter('late', 'x', null, ps(9));
      const mixed = [row('d', 0, 'iaq', 1), row('d', 60, 'co2', 2)];
      const src = cold('abc|', {
        a: at([row('d', 0, 'iaq', 1), row('d', 0, 'co2', 2), row('d', 0, 'iaq~15', 3)], 0),
        b: at(mixed, 1),
        c: dl,
      });
      expectObservable(src.pipe(pivot({ columns }))).toBe('abc|', {
        a: at<WideRow>(
          { time: 0, deviceId: 'd', values: { iaq: 1, co2: 2, 'iaq~15': 3 }, unknown: [] },
          0,
        ),
        b: deadLetter('schema', 'a batch must hold one deviceId and time', mixed, ps(1)),
        c: dl,
      });
    });
  });

  it("idle timeout emits a quiet series' incomplete row", () => {
    marbles().run(({ cold, expectObservable }) => {
      const src = cold('a 29ms |', { a: at(row('d', 0, 'iaq', 40), 0) });
      expectObservable(src.pipe(pivot({ columns, idleTimeout: 10 }))).toBe('10ms w 19ms |', {
        w: at<WideRow>(
          { time: 0, deviceId: 'd', values: { iaq: 40, co2: null, 'iaq~15': null }, unknown: [] },
          0,
        ),
      });
    });
  });

  it('rejects an empty or duplicated column set', () => {
    expect(() => pivot({ columns: [] })).toThrow(ConfigError);
    expect(() => pivot({ columns: ['a', 'a'] })).toThrow(ConfigError);
  });
});

describe('wide and long rows', () => {
  it('property: pivot restores wide rows from their long rows, with their positions', async () => {
    const cols = ['a', 'b', 'c'];
    const arbRows = fc.uniqueArray(
      fc.record({
        deviceId: fc.constantFrom('x', 'y'),
        time: fc.integer({ min: 0, max: 50 }),
        values: fc.record({ a: fc.integer(), b: fc.option(fc.integer()), c: fc.integer() }),
      }),
      { selector: (r) => `${r.deviceId}@${r.time}`, maxLength: 30 },
    );
    await fc.assert(
      fc.asyncProperty(arbRows, async (rows) => {
        const input = rows.map((r, i) => at<WideRow>(r, i));
        const out = (await lastValueFrom(
          from(input).pipe(
            mapTraced((r) => longRows(r.deviceId, r.time, r.values)),
            pivot({ columns: cols }),
            toArray(),
          ),
        )) as Flow<WideRow>[];
        expect(out).toHaveLength(rows.length);
        expect(unionOf(out).equals(unionOf(input))).toBe(true);
        for (const o of out) {
          expect(isDeadLetter(o)).toBe(false);
          if (isDeadLetter(o)) continue;
          const ordinal = [...o.positions][0]!.ordinal;
          expect(o.positions.size).toBe(1);
          expect(o.value).toEqual({
            ...rows[ordinal],
            values: { ...rows[ordinal]!.values, b: rows[ordinal]!.values.b ?? null },
            unknown: [],
          });
        }
      }),
      { numRuns: 60 },
    );
  });

  it('mapTraced keeps positions', async () => {
    const out = await lastValueFrom(
      from([at(2, 4)] as Flow<number>[]).pipe(
        mapTraced((x) => x * 10),
        toArray(),
      ),
    );
    expect(out).toEqual([at(20, 4)]);
  });
});
