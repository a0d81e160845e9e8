/**
 * @module operators/features/differences
 * `differences`: value minus the value `lag` elements earlier, per key. One output per
 * input, with the input's positions; the first `lag` elements of a key have `null`.
 */
import type { OperatorFunction } from 'rxjs';
import { ConfigError } from '../../core/index.js';
import type { Flow } from '../flow/flow.js';
import { keyedOperator } from '../flow/keyed-operator.js';
import type { SeriesOptions, SeriesPoint } from './series.js';

/** Options of {@link differences}. */
export interface DifferencesOptions<T> extends SeriesOptions<T> {
  /** How many elements back to difference against. Default 1. */
  readonly lag?: number;
}

/**
 * A value and its difference to the value `lag` elements before (per key).
 * @example `{ key: 'dev-1', time: 120000, value: 52, difference: 2 }`
 */
export interface Difference extends SeriesPoint {
  readonly difference: number | null;
}

/**
 * Differences each key's series (first-order by default), e.g. to remove a trend.
 * @example `readings$.pipe(differences({ key: readingKey, time: readingTime, value: (r) => r.readings.co2 }))`
 */
export function differences<T>(
  options: DifferencesOptions<T>,
): OperatorFunction<Flow<T>, Flow<Difference>> {
  const { key, time, value, lag = 1 } = options;
  if (!Number.isSafeInteger(lag) || lag < 1)
    throw new ConfigError('differences.lag', `expected a positive integer, got ${lag}`);
  return keyedOperator<T, Difference, number[]>({ name: 'differences', key }, (emit) => ({
    init: () => [],
    next(element, k, h) {
      const v = value(element.value);
      const difference = h.length === lag ? v - (h[0] as number) : null;
      h.push(v);
      if (h.length > lag) h.shift();
      emit({
        value: { key: k, time: time(element.value), value: v, difference },
        positions: element.positions,
      });
    },
  }));
}
