import fc from 'fast-check';
import { asyncScheduler, from, lastValueFrom, toArray, type SchedulerLike } from 'rxjs';
import { eventTimeWindow } from './window.js';
import {
  countWindow,
  session,
  sliding,
  tumbling,
  windowStarts,
  type WindowAssigner,
} from './assigners.js';
import { combine, count, last, max, mean, min, perMeasure, reduce, sum } from './aggregations.js';
import { countTrigger } from './triggers.js';
import type { WindowResult } from './window-engine.js';
import { deadLetter, PositionSet, type Traced } from '../../core/lineage/index.js';
import { isDeadLetter, type Flow } from '../flow/index.js';
import { ConfigError } from '../../core/index.js';
import { at, marbles, unionOf } from '../testing/fixtures.js';

interface E {
  k: string;
  t: number;
  v: number;
}
const e = (k: string, t: number, v = 1): E => ({ k, t, v });
const ps = (...o: number[]) => PositionSet.of(...o.map((ordinal) => ({ shardId: 's', ordinal })));
const base = { key: (x: E) => x.k, time: (x: E) => x.t };
const result = <R>(
  key: string,
  start: number,
  end: number,
  n: number,
  value: R,
  firedBy: WindowResult<R>['firedBy'],
  ...o: number[]
): Traced<WindowResult<R>> => ({
  value: { key, start, end, count: n, value, firedBy },
  positions: ps(...o),
});

describe('window: tumbling', () => {
  it('fires when the watermark passes the end, counting out-of-order data within lateness', () => {
    marbles().run(({ cold, expectObservable }) => {
      const src = cold('a-b-c-d-f|', {
        a: at(e('x', 1, 1), 0),
        b: at(e('x', 12, 2), 1), // watermark 12-5=7: [0,10) still open
        c: at(e('x', 8, 3), 2), // out of order but within lateness → joins [0,10)
        d: at(e('x', 16, 4), 3), // watermark 11 ≥ 10 → [0,10) fires
        f: at(e('x', 3, 5), 4), // behind the watermark → late
      });
      const op = eventTimeWindow({
        ...base,
        assigner: tumbling({ size: 10 }),
        aggregate: sum((x: E) => x.v),
        allowedLateness: 5,
      });
      expectObservable(src.pipe(op)).toBe('------d-f(z|)', {
        d: result('x', 0, 10, 2, 4, 'watermark', 0, 2),
        f: deadLetter(
          'late',
          'event time 3 is behind the watermark 11 of key x',
          e('x', 3, 5),
          ps(4),
        ),
        z: result('x', 10, 20, 2, 6, 'complete', 1, 3),
      });
    });
  });

  it("watermark progression across keys fires a quiet key's window", () => {
    marbles().run(({ cold, expectObservable }) => {
      const src = cold('a-b-c-----|', {
        a: at(e('x', 1), 0),
        b: at(e('y', 5), 1),
        c: at(e('y', 10), 2),
      });
      const op = eventTimeWindow({
        ...base,
        assigner: tumbling({ size: 10 }),
        aggregate: count<E>(),
      });
      expectObservable(src.pipe(op)).toBe('----(xy)--(z|)', {
        x: result('x', 0, 10, 1, 1, 'watermark', 0),
        y: result('y', 0, 10, 1, 1, 'watermark', 1),
        z: result('y', 10, 20, 1, 1, 'complete', 2),
      });
    });
  });

  it('a reading dated beyond maxFutureSkew of the scheduler clock is a future-timestamp dead letter and moves no watermark', () => {
    marbles().run(({ cold, expectObservable }) => {
      const src = cold('a-b-c-d------|', {
        a: at(e('x', 1), 0),
        b: at(e('z', 1e15), 1), // a broken clock: without the bound the watermark jumps to 1e15
        c: at(e('y', 5), 2), // …and this reading (and every later one) would be late
        d: at(e('y', 12), 3),
      });
      const op = eventTimeWindow({
        ...base,
        assigner: tumbling({ size: 10 }),
        aggregate: count<E>(),
        maxFutureSkew: 100,
      });
      expectObservable(src.pipe(op)).toBe('--b---(xy)---(z|)', {
        b: deadLetter(
          'future-timestamp',
          expect.stringMatching(
            /ms ahead of the ingest clock .*\(at most 100 ms allowed\); key z$/,
          ),
          e('z', 1e15),
          ps(1),
        ),
        x: result('x', 0, 10, 1, 1, 'watermark', 0),
        y: result('y', 0, 10, 1, 1, 'watermark', 2),
        z: result('y', 10, 20, 1, 1, 'complete', 3),
      });
    });
  });

  it('one reading dated 9999-12-31 does not make the next 150 readings of 5 other keys late', async () => {
    const t0 = Date.UTC(2026, 10, 23, 5);
    const clock: SchedulerLike = {
      now: () => t0 + 31 * 60_000,
      schedule: asyncScheduler.schedule.bind(asyncScheduler),
    };
    const input: Traced<E>[] = [at(e('broken', Date.parse('9999-12-31T00:00:00Z')), 0)];
    for (let m = 0; m < 30; m++)
      for (let k = 0; k < 5; k++)
        input.push(at(e(`dev-${k}`, t0 + m * 60_000 + 10_000), input.length));
    const out = await lastValueFrom(
      from(input).pipe(
        eventTimeWindow({
          ...base,
          assigner: tumbling({ size: 60_000 }),
          aggregate: count<E>(),
          allowedLateness: 5_000,
          maxFutureSkew: 60_000,
          scheduler: clock,
        }),
        toArray(),
      ),
    );
    const dead = out.filter(isDeadLetter);
    expect(dead.map((d) => [d.reason, [...d.positions].map((p) => p.ordinal)])).toEqual([
      ['future-timestamp', [0]],
    ]);
    const windows = out.filter((o): o is Traced<WindowResult<number>> => !isDeadLetter(o));
    expect(windows).toHaveLength(150);
    expect(windows.reduce((n, w) => n + w.value.count, 0)).toBe(150);
  });

  it('idle timeout flushes a quiet key on the injected scheduler; later data for it is late', () => {
    marbles().run(({ cold, expectObservable }) => {
      const src = cold('a 9ms b 30ms c|', {
        a: at(e('x', 1), 0),
        b: at(e('x', 2), 1),
        c: at(e('x', 4), 2),
      });
      const op = eventTimeWindow({
        ...base,
        assigner: tumbling({ size: 10 }),
        aggregate: count<E>(),
        idleTimeout: 20,
      });
      // b arrives at 10ms, so the key is idle at 30ms; c (41ms) belongs to the flushed window.
      expectObservable(src.pipe(op)).toBe('30ms i 10ms l|', {
        i: result('x', 0, 10, 2, 2, 'idle', 0, 1),
        l: deadLetter('late', 'event time 4 is behind the watermark 10 of key x', e('x', 4), ps(2)),
      });
    });
  });

  it('passes dead letters through and completes after flushing', () => {
    marbles().run(({ cold, expectObservable }) => {
      const dl = deadLetter('schema', 'bad', null, ps(7));
      const src = cold('a-d|', { a: at(e('x', 1), 0), d: dl });
      const op = eventTimeWindow({
        ...base,
        assigner: tumbling({ size: 10 }),
        aggregate: count<E>(),
      });
      expectObservable(src.pipe(op)).toBe('--d(z|)', {
        d: dl,
        z: result('x', 0, 10, 1, 1, 'complete', 0),
      });
    });
  });

  it('an early trigger fires and purges; the rest of the window fires separately', () => {
    marbles().run(({ cold, expectObservable }) => {
      const src = cold('abc|', { a: at(e('x', 1), 0), b: at(e('x', 2), 1), c: at(e('x', 3), 2) });
      const op = eventTimeWindow({
        ...base,
        assigner: tumbling({ size: 10 }),
        aggregate: count<E>(),
        trigger: countTrigger(2),
      });
      expectObservable(src.pipe(op)).toBe('-t-(z|)', {
        t: result('x', 0, 10, 2, 2, 'trigger', 0, 1),
        z: result('x', 0, 10, 1, 1, 'complete', 2),
      });
    });
  });
});

describe('window: sliding, session, count', () => {
  it('sliding windows put an element in size/slide windows', () => {
    expect(windowStarts(sliding({ size: 30, slide: 10 }), 25)).toEqual([20, 10, 0]);
    expect(windowStarts(tumbling({ size: 10, offset: 3 }), 2)).toEqual([-7]);
    marbles().run(({ cold, expectObservable }) => {
      const src = cold('a-b---|', { a: at(e('x', 5), 0), b: at(e('x', 15), 1) });
      const op = eventTimeWindow({
        ...base,
        assigner: sliding({ size: 20, slide: 10 }),
        aggregate: count<E>(),
      });
      expectObservable(src.pipe(op)).toBe('--p---(rs|)', {
        p: result('x', -10, 10, 1, 1, 'watermark', 0),
        r: result('x', 0, 20, 2, 2, 'complete', 0, 1),
        s: result('x', 10, 30, 1, 1, 'complete', 1),
      });
    });
  });

  it('session windows merge when an element bridges two sessions', () => {
    marbles().run(({ cold, expectObservable }) => {
      const src = cold('abcd|', {
        a: at(e('x', 0, 1), 0), // [0, 5)
        b: at(e('x', 8, 2), 1), // [8, 13)
        c: at(e('x', 4, 3), 2), // [4, 9) bridges both → [0, 13)
        d: at(e('x', 30, 4), 3), // watermark 30 fires [0, 13)
      });
      const op = eventTimeWindow({
        ...base,
        assigner: session({ gap: 5 }),
        aggregate: combine({ n: count<E>(), s: sum((x: E) => x.v), m: max((x: E) => x.v) }),
        allowedLateness: 10,
      });
      expectObservable(src.pipe(op)).toBe('---w(z|)', {
        w: result('x', 0, 13, 3, { n: 3, s: 6, m: 3 }, 'watermark', 0, 1, 2),
        z: result('x', 30, 35, 1, { n: 1, s: 4, m: 4 }, 'complete', 3),
      });
    });
  });

  it('count windows fire every n elements per key, partial ones on complete', () => {
    marbles().run(({ cold, expectObservable }) => {
      const src = cold('abcde|', {
        a: at(e('x', 5, 1), 0),
        b: at(e('y', 1, 9), 1),
        c: at(e('x', 3, 2), 2),
        d: at(e('x', 9, 3), 3),
        e: at(e('x', 7, 4), 4),
      });
      const op = eventTimeWindow({
        ...base,
        assigner: countWindow({ size: 2 }),
        aggregate: last((x: E) => x.v),
      });
      expectObservable(src.pipe(op)).toBe('--p-q(r|)', {
        p: result('x', 3, 6, 2, 1, 'trigger', 0, 2),
        q: result('x', 7, 10, 2, 3, 'trigger', 3, 4),
        r: result('y', 1, 2, 1, 9, 'complete', 1),
      });
    });
  });
});

describe('aggregations', () => {
  it('mean, min, max, last, perMeasure and user reducers', async () => {
    type R = { readings: Record<string, number> };
    const rs: Array<[R, number]> = [
      [{ readings: { a: 1, b: 5 } }, 2],
      [{ readings: { a: 3 } }, 1],
    ];
    const fold = <A, O>(agg: { create(): A; add(a: A, x: R, t: number): A; result(a: A): O }) =>
      agg.result(rs.reduce((acc, [x, t]) => agg.add(acc, x, t), agg.create()));
    expect(fold(mean((x: R) => x.readings.a!))).toBe(2);
    expect(fold(min((x: R) => x.readings.a!))).toBe(1);
    expect(fold(last((x: R) => x.readings.a!))).toBe(1); // latest event time is t=2
    expect(fold(perMeasure(['a', 'b', 'c'], 'mean'))).toEqual({ a: 2, b: 5, c: null });
    expect(fold(perMeasure(['a'], 'last'))).toEqual({ a: 1 });
    expect(
      fold(reduce({ seed: () => [] as number[], add: (xs, x: R) => [...xs, x.readings.a!] })),
    ).toEqual([1, 3]);
    const pm = perMeasure<R>(['a', 'b'], 'max');
    const merged = pm.merge!(pm.add(pm.create(), rs[0]![0], 2), pm.add(pm.create(), rs[1]![0], 1));
    expect(pm.result(merged)).toEqual({ a: 3, b: 5 });
  });

  it('rejects invalid options up front', () => {
    expect(() => tumbling({ size: 0 })).toThrow(ConfigError);
    expect(() => sliding({ size: 25, slide: 10 })).toThrow(ConfigError);
    expect(() =>
      eventTimeWindow({
        ...base,
        assigner: session({ gap: 5 }),
        aggregate: reduce({ seed: () => 0, add: (a: number) => a }),
      }),
    ).toThrow(/merge/);
    expect(() =>
      eventTimeWindow({
        ...base,
        assigner: tumbling({ size: 5 }),
        aggregate: count<E>(),
        allowedLateness: -1,
      }),
    ).toThrow(ConfigError);
    expect(() =>
      eventTimeWindow({
        ...base,
        assigner: tumbling({ size: 5 }),
        aggregate: count<E>(),
        maxFutureSkew: -1,
      }),
    ).toThrow(ConfigError);
  });
});

describe('window properties', () => {
  const arbEvents = fc.array(
    fc.record({
      k: fc.constantFrom('a', 'b', 'c'),
      t: fc.integer({ min: 0, max: 200 }),
      v: fc.integer({ min: 0, max: 9 }),
    }),
    { maxLength: 60 },
  );
  const assigners: WindowAssigner[] = [
    tumbling({ size: 10 }),
    session({ gap: 7 }),
    countWindow({ size: 3 }),
  ];

  it.each(assigners.map((a) => [a.type, a] as const))(
    '%s windows partition the input: every element in exactly one result or a late dead letter',
    async (_name, assigner) => {
      await fc.assert(
        fc.asyncProperty(arbEvents, fc.nat(20), async (events, lateness) => {
          const input = events.map((x, i) => at(x, i));
          const out = (await lastValueFrom(
            from(input).pipe(
              eventTimeWindow({
                ...base,
                assigner,
                aggregate: count<E>(),
                allowedLateness: lateness,
              }),
              toArray(),
            ),
          )) as Flow<WindowResult<number>>[];
          // lineage: outputs carry exactly the inputs' positions
          expect(unionOf(out).equals(unionOf(input))).toBe(true);
          // partition: sizes add up, so no position is in two outputs
          expect(out.reduce((n, o) => n + o.positions.size, 0)).toBe(input.length);
          for (const o of out) {
            if (isDeadLetter(o)) {
              expect(o.reason).toBe('late');
              continue;
            }
            expect(o.value.count).toBe(o.positions.size);
            for (const p of o.positions) {
              const x = events[p.ordinal]!;
              expect(x.k).toBe(o.value.key);
              expect(x.t).toBeGreaterThanOrEqual(o.value.start);
              expect(x.t).toBeLessThan(o.value.end);
            }
          }
          if (assigner.type === 'count') expect(out.every((o) => !isDeadLetter(o))).toBe(true);
        }),
        { numRuns: 80 },
      );
    },
  );

  it('sliding windows: each accepted element is in every open window containing it; the rest are late', async () => {
    const assigner = sliding({ size: 20, slide: 10 });
    await fc.assert(
      fc.asyncProperty(arbEvents, async (events) => {
        const input = events.map((x, i) => at(x, i));
        const out = await lastValueFrom(
          from(input).pipe(
            eventTimeWindow({ ...base, assigner, aggregate: count<E>(), allowedLateness: 10 }),
            toArray(),
          ),
        );
        expect(unionOf(out).equals(unionOf(input))).toBe(true);
        for (const o of out) if (!isDeadLetter(o)) expect(o.value.count).toBe(o.positions.size);
        const memberships = new Map<number, number>();
        for (const o of out)
          for (const p of o.positions)
            memberships.set(p.ordinal, (memberships.get(p.ordinal) ?? 0) + 1);
        for (const [ordinal, n] of memberships) {
          const late = out.some((o) => isDeadLetter(o) && o.positions.has('s', ordinal));
          expect(late ? n === 1 : n >= 1 && n <= 2).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });
});
