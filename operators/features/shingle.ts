/**
 * @module operators/features/shingle
 * `shingle`: the last N values per key (lag features), as the anomaly model and the
 * forecasters take them. Invariant: positions of warm-up elements (before a key has N values)
 * ride on the key's first shingle; if the stream ends first they become one `unscorable`
 * dead letter — so every position is carried exactly once.
 */
import { asyncScheduler, Observable, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { ConfigError, PositionSetBuilder, deadLetter } from '../../core/index.js';
import { isDeadLetter, type Flow } from '../flow/flow.js';
import { IdleTracker } from '../scheduling/idle-tracker.js';
import type { SeriesOptions, SeriesPoint } from './series.js';

/** Options of {@link shingle}. */
export interface ShingleOptions<T> extends SeriesOptions<T> {
  /** Values per shingle (N ≥ 1). */
  readonly size: number;
  /**
   * After this many ms (scheduler time) without elements for a key still warming up, its
   * pending positions become an `unscorable` dead letter, so they are acknowledged (the values
   * are kept and the shingle continues). Default: only at completion.
   */
  readonly idleTimeout?: number;
  /** Scheduler for `idleTimeout`. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/**
 * The last `size` values of a key, oldest first, ending with this element's.
 * @example `{ key: 'dev-1', time: 180000, value: 52, values: [48, 50, 52] }`
 */
export interface Shingle extends SeriesPoint {
  readonly values: readonly number[];
}

/**
 * Emits, for each element once its key has `size` values, the sliding window of the last
 * `size` values (a "shingle", oldest first) in arrival order.
 *
 * @example
 * ```ts
 * readings$.pipe(shingle({ size: 8, key: readingKey, time: readingTime, value: (r) => r.readings.iaq }))
 * ```
 */
export function shingle<T>(options: ShingleOptions<T>): OperatorFunction<Flow<T>, Flow<Shingle>> {
  const { size, key, time, value, idleTimeout, scheduler = asyncScheduler } = options;
  if (idleTimeout !== undefined && !(idleTimeout > 0)) {
    throw new ConfigError('shingle.idleTimeout', `expected a positive number, got ${idleTimeout}`);
  }
  if (!Number.isSafeInteger(size) || size < 1)
    throw new ConfigError('shingle.size', `expected a positive integer, got ${size}`);
  return (source) =>
    new Observable<Flow<Shingle>>((subscriber) => {
      const state = new Map<
        string,
        { values: number[]; pending: PositionSetBuilder | undefined }
      >();
      const release = (k: string): void => {
        const s = state.get(k);
        if (s?.pending === undefined) return;
        subscriber.next(
          deadLetter(
            'unscorable',
            `key ${k} has ${s.values.length} of ${size} values for a shingle`,
            { key: k, values: [...s.values] },
            s.pending.build(),
          ),
        );
        s.pending = undefined;
      };
      const idle =
        idleTimeout === undefined ? undefined : new IdleTracker(idleTimeout, scheduler, release);
      const subscription = source.subscribe({
        next(element) {
          if (isDeadLetter(element)) {
            subscriber.next(element);
            return;
          }
          const k = key(element.value);
          idle?.touch(k);
          let s = state.get(k);
          if (s === undefined) {
            s = { values: [], pending: undefined };
            state.set(k, s);
          }
          const v = value(element.value);
          s.values.push(v);
          if (s.values.length > size) s.values.shift();
          if (s.values.length < size) {
            s.pending = (s.pending ?? new PositionSetBuilder()).addSet(element.positions);
            return;
          }
          let positions = element.positions;
          if (s.pending !== undefined) {
            positions = s.pending.addSet(positions).build();
            s.pending = undefined;
          }
          subscriber.next({
            value: { key: k, time: time(element.value), value: v, values: [...s.values] },
            positions,
          });
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          idle?.dispose();
          for (const k of state.keys()) release(k);
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        idle?.dispose();
      };
    });
}
