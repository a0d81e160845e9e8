import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { resample, type ResampledPoint } from './resample.js';
import { deadLetter, PositionSet, type Traced } from '../../core/lineage/index.js';
import { isDeadLetter, type Flow } from '../flow/index.js';
import { ConfigError } from '../../core/index.js';
import { at, marbles, unionOf } from '../testing/fixtures.js';

interface P {
  k: string;
  t: number;
  v: number;
}
const p = (k: string, t: number, v: number): P => ({ k, t, v });
const opts = { step: 10, key: (x: P) => x.k, time: (x: P) => x.t, values: (x: P) => ({ v: x.v }) };
const pt = (
  key: string,
  time: number,
  v: number,
  imputed: boolean,
  segment: number,
  ...o: number[]
): Traced<ResampledPoint> => ({
  value: { key, time, values: { v }, imputed, segment },
  positions: PositionSet.of(...o.map((ordinal) => ({ shardId: 's', ordinal }))),
});

describe('resample', () => {
  it('fills a short gap by linear interpolation and marks imputed points (marbles)', () => {
    marbles().run(({ cold, expectObservable }) => {
      const src = cold('a-b------|', { a: at(p('x', 3, 10), 0), b: at(p('x', 31, 40), 1) });
      expectObservable(src.pipe(resample({ ...opts, maxGap: 2 }))).toBe('--(pqr)--(s|)', {
        p: pt('x', 0, 10, false, 0, 0),
        q: pt('x', 10, 20, true, 0),
        r: pt('x', 20, 30, true, 0),
        s: pt('x', 30, 40, false, 0, 1),
      });
    });
  });

  it('forward-fills when asked', () => {
    marbles().run(({ cold, expectObservable }) => {
      const src = cold('a-b------|', { a: at(p('x', 0, 10), 0), b: at(p('x', 20, 40), 1) });
      expectObservable(src.pipe(resample({ ...opts, fill: 'ffill' }))).toBe('--(pq)---(s|)', {
        p: pt('x', 0, 10, false, 0, 0),
        q: pt('x', 10, 10, true, 0),
        s: pt('x', 20, 40, false, 0, 1),
      });
    });
  });

  it('does not fill gaps longer than maxGap: the series splits into a new segment', () => {
    marbles().run(({ cold, expectObservable }) => {
      const src = cold('ab|', { a: at(p('x', 0, 10), 0), b: at(p('x', 40, 40), 1) });
      expectObservable(src.pipe(resample({ ...opts, maxGap: 2 }))).toBe('-p(s|)', {
        p: pt('x', 0, 10, false, 0, 0),
        s: pt('x', 40, 40, false, 1, 1),
      });
    });
  });

  it('keeps the latest record of a grid point, dead-letters records behind the grid', () => {
    marbles().run(({ cold, expectObservable }) => {
      const src = cold('abcd|', {
        a: at(p('x', 5, 1), 0),
        b: at(p('x', 2, 2), 1),
        c: at(p('x', 12, 3), 2),
        d: at(p('x', 9, 4), 3),
      });
      expectObservable(src.pipe(resample(opts))).toBe('--pl(s|)', {
        p: pt('x', 0, 1, false, 0, 0, 1),
        l: deadLetter(
          'late',
          'time 9 is behind grid point 10 of key x',
          p('x', 9, 4),
          PositionSet.single('s', 3),
        ),
        s: pt('x', 10, 3, false, 0, 2),
      });
    });
  });

  it("idle timeout emits a quiet key's held point; the next record still fills from it", () => {
    marbles().run(({ cold, expectObservable }) => {
      const src = cold('a 49ms b 9ms |', { a: at(p('x', 0, 10), 0), b: at(p('x', 20, 30), 1) });
      const op = resample({ ...opts, idleTimeout: 20 });
      // a is held until 20 ms (idle), then emitted; b at 50 ms imputes 10 from a, is held until completion.
      expectObservable(src.pipe(op)).toBe('20ms p 29ms q 9ms (s|)', {
        p: pt('x', 0, 10, false, 0, 0),
        q: pt('x', 10, 20, true, 0),
        s: pt('x', 20, 30, false, 0, 1),
      });
    });
  });

  it('rejects invalid options', () => {
    expect(() => resample({ ...opts, step: 0 })).toThrow(ConfigError);
    expect(() => resample({ ...opts, maxGap: -1 })).toThrow(ConfigError);
  });

  it('property: per key a strictly increasing grid; contiguous within a segment; lineage preserved', async () => {
    const arb = fc.array(
      fc.record({
        k: fc.constantFrom('a', 'b'),
        t: fc.integer({ min: 0, max: 300 }),
        v: fc.integer({ min: -50, max: 50 }),
      }),
      { maxLength: 40 },
    );
    await fc.assert(
      fc.asyncProperty(arb, fc.nat(4), async (events, maxGap) => {
        const input = events.map((e, i) => at(e, i));
        const out = (await lastValueFrom(
          from(input).pipe(resample({ ...opts, maxGap }), toArray()),
        )) as Flow<ResampledPoint>[];
        expect(unionOf(out).equals(unionOf(input))).toBe(true);
        expect(out.reduce((n, o) => n + o.positions.size, 0)).toBe(input.length);
        const byKey = new Map<string, ResampledPoint[]>();
        for (const o of out) {
          if (isDeadLetter(o)) {
            expect(o.reason).toBe('late');
            continue;
          }
          expect(o.value.time % 10).toBe(0);
          expect(o.value.imputed).toBe(o.positions.isEmpty);
          byKey.set(o.value.key, [...(byKey.get(o.value.key) ?? []), o.value]);
        }
        for (const pts of byKey.values()) {
          for (let i = 1; i < pts.length; i++) {
            const [a, b] = [pts[i - 1]!, pts[i]!];
            expect(b.time).toBeGreaterThan(a.time);
            if (b.segment === a.segment) expect(b.time - a.time).toBe(10);
            else expect((b.time - a.time) / 10 - 1).toBeGreaterThan(maxGap);
          }
        }
      }),
      { numRuns: 80 },
    );
  });
});
