/**
 * @module operators/features/shingle
 * `shingle`: the last N values per key (lag features), as the anomaly model and the
 * forecasters take them. Invariant: positions of warm-up elements (before a key has N values)
 * ride on the key's first shingle; if the stream ends first they become one `unscorable`
 * dead letter — so every position is carried exactly once.
 */
import type { OperatorFunction, SchedulerLike } from 'rxjs';
import { ConfigError, PositionSetBuilder, deadLetter } from '../../core/index.js';
import type { Flow } from '../flow/flow.js';
import { keyedOperator } from '../flow/keyed-operator.js';
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
  const { size, key, time, value, idleTimeout, scheduler } = options;
  if (!Number.isSafeInteger(size) || size < 1)
    throw new ConfigError('shingle.size', `expected a positive integer, got ${size}`);
  return keyedOperator<T, Shingle, KeyState>(
    { name: 'shingle', key, idleTimeout, scheduler },
    (emit) => {
      const release = (k: string, s: KeyState): void => {
        if (s.pending === undefined) return;
        emit(
          deadLetter(
            'unscorable',
            `key ${k} has ${s.values.length} of ${size} values for a shingle`,
            { key: k, values: [...s.values] },
            s.pending.build(),
          ),
        );
        s.pending = undefined;
      };
      return {
        init: () => ({ values: [], pending: undefined }),
        next(element, k, s) {
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
          emit({
            value: { key: k, time: time(element.value), value: v, values: [...s.values] },
            positions,
          });
        },
        idle: release,
        complete(states) {
          for (const [k, s] of states) release(k, s);
        },
      };
    },
  );
}

/** A key's last values and the positions of its warm-up values not yet on an output. */
interface KeyState {
  values: number[];
  pending: PositionSetBuilder | undefined;
}
