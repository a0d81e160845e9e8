/**
 * @module operators/resample/resample
 * `resample`: irregular readings → a regular grid per key, imputing short gaps.
 * Invariants: grid points of a key are emitted in strictly increasing time; a point made
 * from records carries exactly their positions, an imputed point carries none (nothing to
 * acknowledge); a record behind its key's grid becomes a `late` dead letter.
 */
import type { OperatorFunction, SchedulerLike } from 'rxjs';
import { ConfigError, PositionSetBuilder, PositionSet, deadLetter } from '../../core/index.js';
import type { Flow } from '../flow/flow.js';
import { keyedOperator } from '../flow/keyed-operator.js';

/** How a gap is filled. */
export type FillMethod = 'ffill' | 'linear';

/** Options of {@link resample}. */
export interface ResampleOptions<T> {
  /** Grid step in ms, e.g. 60_000. */
  readonly step: number;
  /** Grid offset in ms (grid points are `offset + k·step`). Default 0. */
  readonly offset?: number;
  readonly key: (element: T) => string;
  readonly time: (element: T) => number;
  readonly values: (element: T) => Readonly<Record<string, number>>;
  /** `linear` (default) interpolates between the points around a gap; `ffill` repeats the last. */
  readonly fill?: FillMethod;
  /** Longest run of missing grid points that is filled; longer gaps start a new segment. Default 5. */
  readonly maxGap?: number;
  /**
   * Emit a key's held point after this many ms (scheduler time) without records for it, so a
   * quiet key's last record is still emitted — and acknowledged. Default: hold until the next
   * record of the key or completion.
   */
  readonly idleTimeout?: number;
  /** Scheduler for `idleTimeout`. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/**
 * One grid point of one key.
 * @example `{ key: 'dev-1', time: 60000, values: { iaq: 47 }, imputed: true, segment: 0 }`
 */
export interface ResampledPoint {
  readonly key: string;
  /** Grid time (epoch ms). */
  readonly time: number;
  readonly values: Readonly<Record<string, number>>;
  /** True when no record fell on this point and the values were filled. */
  readonly imputed: boolean;
  /** Increments after every gap longer than `maxGap`: points of one segment are contiguous. */
  readonly segment: number;
}

interface Held {
  bucket: number;
  time: number;
  values: Readonly<Record<string, number>>;
  positions: PositionSetBuilder;
}
interface KeyState {
  held: Held | undefined;
  /** Grid time and values of the last emitted point (for gaps after an idle flush). */
  last: number;
  lastValues: Readonly<Record<string, number>>;
  segment: number;
}

/**
 * Snaps each key's records onto a fixed grid (a record at `t` belongs to the grid point at or
 * before `t`; within one point the record with the latest time wins), emits a point once a
 * later point of the same key arrives (or the source completes), and fills gaps of up to
 * `maxGap` points by forward-fill or linear interpolation, marking them `imputed`.
 *
 * @example
 * ```ts
 * readings$.pipe(
 *   resample({ step: 60_000, key: readingKey, time: readingTime, values: readingValues, fill: 'linear', maxGap: 5 }),
 * ); // Flow<ResampledPoint>
 * ```
 */
export function resample<T>(
  options: ResampleOptions<T>,
): OperatorFunction<Flow<T>, Flow<ResampledPoint>> {
  const {
    step,
    offset = 0,
    key,
    time,
    values,
    fill = 'linear',
    maxGap = 5,
    idleTimeout,
    scheduler,
  } = options;
  if (!Number.isSafeInteger(step) || step <= 0)
    throw new ConfigError('resample.step', `expected a positive integer, got ${step}`);
  if (!Number.isSafeInteger(maxGap) || maxGap < 0)
    throw new ConfigError('resample.maxGap', `expected a non-negative integer, got ${maxGap}`);
  if (fill !== 'ffill' && fill !== 'linear')
    throw new ConfigError('resample.fill', `expected "ffill" or "linear", got ${String(fill)}`);
  return keyedOperator<T, ResampledPoint, KeyState>(
    { name: 'resample', key, idleTimeout, scheduler },
    (emit) => {
      const flush = (k: string, s: KeyState, h: Held): void => {
        s.last = h.bucket;
        s.lastValues = h.values;
        s.held = undefined;
        emit({
          value: { key: k, time: h.bucket, values: h.values, imputed: false, segment: s.segment },
          positions: h.positions.build(),
        });
      };
      return {
        init: () => ({ held: undefined, last: -Infinity, lastValues: {}, segment: 0 }),
        next(element, k, s) {
          const t = time(element.value);
          const bucket = t - ((((t - offset) % step) + step) % step);
          const h = s.held;
          if (!Number.isFinite(t) || bucket <= s.last || (h !== undefined && bucket < h.bucket)) {
            const behind = h?.bucket ?? s.last;
            emit(
              deadLetter(
                'late',
                `time ${t} is behind grid point ${behind} of key ${k}`,
                element.value,
                element.positions,
              ),
            );
            return;
          }
          if (h !== undefined && bucket === h.bucket) {
            if (t >= h.time) {
              h.time = t;
              h.values = values(element.value);
            }
            h.positions.addSet(element.positions);
            return;
          }
          const next: Held = {
            bucket,
            time: t,
            values: values(element.value),
            positions: new PositionSetBuilder().addSet(element.positions),
          };
          if (h !== undefined) flush(k, s, h);
          if (s.last > -Infinity) {
            const prev = { bucket: s.last, values: s.lastValues };
            const missing = (bucket - prev.bucket) / step - 1;
            if (missing > maxGap) {
              s.segment++;
            } else {
              for (let i = 1; i <= missing; i++) {
                const filled: Record<string, number> = {};
                for (const m in prev.values) {
                  const a = prev.values[m] as number;
                  const b = next.values[m];
                  filled[m] =
                    fill === 'linear' && b !== undefined ? a + ((b - a) * i) / (missing + 1) : a;
                }
                emit({
                  value: {
                    key: k,
                    time: prev.bucket + i * step,
                    values: filled,
                    imputed: true,
                    segment: s.segment,
                  },
                  positions: PositionSet.empty,
                });
              }
            }
          }
          s.held = next;
        },
        idle(k, s) {
          if (s.held !== undefined) flush(k, s, s.held);
        },
        complete(states) {
          for (const [k, s] of states) if (s.held !== undefined) flush(k, s, s.held);
        },
      };
    },
  );
}
