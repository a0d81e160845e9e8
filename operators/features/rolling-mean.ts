/**
 * @module operators/features/rolling-mean
 * `rollingMean`: the mean of the last N values per key (fewer at the start of a key), kept
 * as a running sum over a ring so each element costs O(1). One output per input, with the
 * input's positions.
 */
import type { OperatorFunction } from 'rxjs';
import { ConfigError } from '../../core/index.js';
import type { Flow } from '../flow/flow.js';
import { keyedOperator } from '../flow/keyed-operator.js';
import type { SeriesOptions, SeriesPoint } from './series.js';

/** Options of {@link rollingMean}. */
export interface RollingMeanOptions<T> extends SeriesOptions<T> {
  /** Values in the mean. */
  readonly size: number;
}

/**
 * A value with the mean of the last `count` values of its key (including itself).
 * @example `{ key: 'dev-1', time: 120000, value: 52, mean: 50, count: 3 }`
 */
export interface RollingMean extends SeriesPoint {
  readonly mean: number;
  readonly count: number;
}

/**
 * Smooths each key's series with a trailing moving average.
 * @example `readings$.pipe(rollingMean({ size: 5, key: readingKey, time: readingTime, value: (r) => r.readings.iaq }))`
 */
export function rollingMean<T>(
  options: RollingMeanOptions<T>,
): OperatorFunction<Flow<T>, Flow<RollingMean>> {
  const { key, time, value, size } = options;
  if (!Number.isSafeInteger(size) || size < 1)
    throw new ConfigError('rollingMean.size', `expected a positive integer, got ${size}`);
  return keyedOperator<T, RollingMean, Ring>({ name: 'rollingMean', key }, (emit) => ({
    init: () => ({ ring: [], next: 0, sum: 0 }),
    next(element, k, s) {
      const v = value(element.value);
      if (s.ring.length < size) {
        s.ring.push(v);
        s.sum += v;
      } else {
        s.sum += v - (s.ring[s.next] as number);
        s.ring[s.next] = v;
        s.next = (s.next + 1) % size;
      }
      // Re-sum once per ring turn to stop floating-point drift.
      if (s.next === 0 && s.ring.length === size) s.sum = s.ring.reduce((a, b) => a + b, 0);
      const count = s.ring.length;
      emit({
        value: { key: k, time: time(element.value), value: v, mean: s.sum / count, count },
        positions: element.positions,
      });
    },
  }));
}

/** A key's last values (a ring once full) and their running sum. */
interface Ring {
  ring: number[];
  next: number;
  sum: number;
}
