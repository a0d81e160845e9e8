import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { shingle } from './shingle.js';
import { rollingMean } from './rolling-mean.js';
import { deadLetter, PositionSet } from '../../core/lineage/index.js';
import { isDeadLetter } from '../flow/index.js';
import { ConfigError } from '../../core/index.js';
import { at, marbles, unionOf } from '../testing/fixtures.js';

interface P {
  k: string;
  t: number;
  v: number;
}
const p = (k: string, t: number, v: number): P => ({ k, t, v });
const series = { key: (x: P) => x.k, time: (x: P) => x.t, value: (x: P) => x.v };
const ps = (...o: number[]) => PositionSet.of(...o.map((ordinal) => ({ shardId: 's', ordinal })));

describe('shingle', () => {
  it('emits the last N values per key; warm-up positions ride on the first shingle', () => {
    marbles().run(({ cold, expectObservable }) => {
      const src = cold('abcde|', {
        a: at(p('x', 1, 1), 0),
        b: at(p('y', 1, 9), 1),
        c: at(p('x', 2, 2), 2),
        d: at(p('x', 3, 3), 3),
        e: at(p('x', 4, 4), 4),
      });
      expectObservable(src.pipe(shingle({ ...series, size: 3 }))).toBe('---de(u|)', {
        d: at({ key: 'x', time: 3, value: 3, values: [1, 2, 3] }, 0, 2, 3),
        e: at({ key: 'x', time: 4, value: 4, values: [2, 3, 4] }, 4),
        u: deadLetter(
          'unscorable',
          'key y has 1 of 3 values for a shingle',
          { key: 'y', values: [9] },
          ps(1),
        ),
      });
    });
  });

  it("idle timeout dead-letters a warming-up key's positions; its values still count", () => {
    marbles().run(({ cold, expectObservable }) => {
      const src = cold('a 19ms b 4ms c|', {
        a: at(p('x', 1, 1), 0),
        b: at(p('x', 2, 2), 1),
        c: at(p('x', 3, 3), 2),
      });
      expectObservable(src.pipe(shingle({ ...series, size: 3, idleTimeout: 10 }))).toBe(
        '10ms u 14ms s|',
        {
          u: deadLetter(
            'unscorable',
            'key x has 1 of 3 values for a shingle',
            { key: 'x', values: [1] },
            ps(0),
          ),
          s: at({ key: 'x', time: 3, value: 3, values: [1, 2, 3] }, 1, 2),
        },
      );
    });
  });

  it('property: every position carried exactly once', async () => {
    const arb = fc.array(
      fc.record({ k: fc.constantFrom('a', 'b', 'c'), t: fc.nat(), v: fc.integer() }),
      { maxLength: 40 },
    );
    await fc.assert(
      fc.asyncProperty(arb, fc.integer({ min: 1, max: 5 }), async (events, size) => {
        const input = events.map((e, i) => at(e, i));
        const out = await lastValueFrom(from(input).pipe(shingle({ ...series, size }), toArray()));
        expect(unionOf(out).equals(unionOf(input))).toBe(true);
        expect(out.reduce((n, o) => n + o.positions.size, 0)).toBe(input.length);
        for (const o of out) if (!isDeadLetter(o)) expect(o.value.values).toHaveLength(size);
      }),
      { numRuns: 60 },
    );
  });
});

describe('rollingMean', () => {
  it('rollingMean over the last N values per key', () => {
    marbles().run(({ cold, expectObservable }) => {
      const src = cold('abcd|', {
        a: at(p('x', 1, 2), 0),
        b: at(p('x', 2, 4), 1),
        c: at(p('x', 3, 9), 2),
        d: at(p('y', 3, 1), 3),
      });
      expectObservable(src.pipe(rollingMean({ ...series, size: 2 }))).toBe('abcd|', {
        a: at({ key: 'x', time: 1, value: 2, mean: 2, count: 1 }, 0),
        b: at({ key: 'x', time: 2, value: 4, mean: 3, count: 2 }, 1),
        c: at({ key: 'x', time: 3, value: 9, mean: 6.5, count: 2 }, 2),
        d: at({ key: 'y', time: 3, value: 1, mean: 1, count: 1 }, 3),
      });
    });
  });

  it('property: rollingMean equals the mean of the trailing slice', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 50 }),
        fc.integer({ min: 1, max: 6 }),
        async (vs, size) => {
          const out = await lastValueFrom(
            from(vs.map((v, i) => at(p('x', i, v), i))).pipe(
              rollingMean({ ...series, size }),
              toArray(),
            ),
          );
          out.forEach((o, i) => {
            const slice = vs.slice(Math.max(0, i - size + 1), i + 1);
            expect(isDeadLetter(o) ? NaN : o.value.mean).toBeCloseTo(
              slice.reduce((a, b) => a + b, 0) / slice.length,
              9,
            );
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('rejects invalid sizes', () => {
    expect(() => shingle({ ...series, size: 0 })).toThrow(ConfigError);
    expect(() => rollingMean({ ...series, size: 1.5 })).toThrow(ConfigError);
  });
});
