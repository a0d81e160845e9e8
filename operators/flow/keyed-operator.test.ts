import { from, lastValueFrom, Subject, toArray } from 'rxjs';
import { ConfigError, deadLetter, PositionSet, PositionSetBuilder } from '../../core/index.js';
import { at, marbles } from '../testing/fixtures.js';
import { keyedOperator } from './keyed-operator.js';
import type { Flow } from './flow.js';

interface P {
  k: string;
  v: number;
}
const p = (k: string, v: number): P => ({ k, v });
const ps = (...o: number[]) => PositionSet.of(...o.map((ordinal) => ({ shardId: 's', ordinal })));

/** Sums each key's values; emits a key's sum (with all its positions) when idle or at the end. */
const sums = (idleTimeout?: number) =>
  keyedOperator<P, { k: string; sum: number }, { sum: number; at: PositionSetBuilder }>(
    { name: 'sums', key: (x) => x.k, idleTimeout },
    (emit) => {
      const flush = (k: string, s: { sum: number; at: PositionSetBuilder }) => {
        if (s.at.isEmpty) return;
        emit({ value: { k, sum: s.sum }, positions: s.at.build() });
        s.sum = 0;
        s.at = new PositionSetBuilder();
      };
      return {
        init: () => ({ sum: 0, at: new PositionSetBuilder() }),
        next(element, _k, s) {
          if (element.value.v < 0) {
            emit(deadLetter('schema', 'negative', element.value, element.positions));
            return false;
          }
          s.sum += element.value.v;
          s.at.addSet(element.positions);
        },
        idle: flush,
        complete: (states) => states.forEach((s, k) => flush(k, s)),
      };
    },
  );

describe('keyedOperator', () => {
  it('keeps state per key, passes dead letters through in order, flushes every key at completion', async () => {
    const dead = deadLetter('late', 'late', null, ps(9));
    const input: Flow<P>[] = [at(p('b', 1), 0), dead, at(p('a', 2), 1), at(p('b', 3), 2)];
    const out = await lastValueFrom(from(input).pipe(sums(), toArray()));
    expect(out[0]).toBe(dead);
    // first-seen order of keys: b, then a
    expect(out.slice(1).map((o) => ('value' in o ? o.value : o))).toEqual([
      { k: 'b', sum: 4 },
      { k: 'a', sum: 2 },
    ]);
    expect(out[1]!.positions.equals(ps(0, 2))).toBe(true);
  });

  it('calls idle for a key quiet for idleTimeout; a value answered `false` to does not re-arm it', () => {
    marbles().run(({ cold, expectObservable }) => {
      const src = cold('a 9ms b 9ms c 29ms |', {
        a: at(p('x', 1), 0),
        b: at(p('x', 2), 1),
        c: at(p('x', -1), 2), // dead-lettered: not activity, x idles 20 ms after b
      });
      expectObservable(src.pipe(sums(20))).toBe('20ms c 9ms s 19ms |', {
        c: deadLetter('schema', 'negative', p('x', -1), ps(2)),
        s: { value: { k: 'x', sum: 3 }, positions: ps(0, 1) },
      });
    });
  });

  it('errors the output with what the operator code throws, and stops the idle timer', () => {
    marbles().run(({ cold, expectObservable }) => {
      const throwing = keyedOperator<P, number>(
        { name: 'throwing', key: (x) => x.k, idleTimeout: 5 },
        () => ({
          next() {
            throw new Error('boom');
          },
          idle() {
            throw new Error('never: the output has errored');
          },
        }),
      );
      expectObservable(cold('a|', { a: at(p('x', 1), 0) }).pipe(throwing)).toBe(
        '#',
        undefined,
        new Error('boom'),
      );
    });
  });

  it('each subscription has its own state; nothing fires after unsubscribe', () => {
    marbles().run(({ flush }) => {
      const source = new Subject<Flow<P>>();
      const op = sums(10);
      const first: unknown[] = [];
      const second: unknown[] = [];
      const s1 = source.pipe(op).subscribe((o) => first.push(o));
      source.pipe(op).subscribe((o) => second.push(o));
      source.next(at(p('x', 1), 0));
      s1.unsubscribe();
      flush();
      expect(first).toEqual([]);
      expect(second).toHaveLength(1);
    });
  });

  it('rejects a bad idleTimeout with a ConfigError naming the operator', () => {
    expect(() => sums(0)).toThrow(ConfigError);
    expect(() => sums(-1)).toThrow(/sums\.idleTimeout/);
  });
});
