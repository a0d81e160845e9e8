/**
 * A keyed operator of your own, written on the public scaffold `keyedOperator`: the mean of
 * each key's last `size` values (fewer at the start of a key), one output per input with the
 * input's positions, so acknowledging an output acknowledges its record. The scaffold keeps
 * the state per key, lets dead letters through in order and tears down; this file says only
 * what one value of one key does.
 */
import type { OperatorFunction } from 'rxjs';
import { ConfigError } from 'shardflow';
import { keyedOperator, type Flow } from 'shardflow/operators';

/** A value of a key with the mean of its last `count` values (including itself). */
export interface RollingMean {
  readonly key: string;
  readonly time: number;
  readonly value: number;
  readonly mean: number;
  readonly count: number;
}

/** Which series to smooth: the key, time and value of an element, and the values in the mean. */
export interface RollingMeanOptions<T> {
  readonly size: number;
  readonly key: (element: T) => string;
  readonly time: (element: T) => number;
  readonly value: (element: T) => number;
}

/** Smooths each key's series with a trailing moving average (a running sum over a ring). */
export function rollingMean<T>(
  options: RollingMeanOptions<T>,
): OperatorFunction<Flow<T>, Flow<RollingMean>> {
  const { key, time, value, size } = options;
  if (!Number.isSafeInteger(size) || size < 1)
    throw new ConfigError('rollingMean.size', `expected a positive integer, got ${size}`);
  type Ring = { values: number[]; next: number; sum: number };
  return keyedOperator<T, RollingMean, Ring>({ name: 'rollingMean', key }, (emit) => ({
    init: () => ({ values: [], next: 0, sum: 0 }),
    next(element, k, ring) {
      const v = value(element.value);
      if (ring.values.length < size) {
        ring.values.push(v);
        ring.sum += v;
      } else {
        ring.sum += v - (ring.values[ring.next] ?? 0);
        ring.values[ring.next] = v;
        ring.next = (ring.next + 1) % size;
        // re-sum once per turn of the ring so floating-point error cannot build up
        if (ring.next === 0) ring.sum = ring.values.reduce((a, b) => a + b, 0);
      }
      const count = ring.values.length;
      const out = { key: k, time: time(element.value), value: v, mean: ring.sum / count, count };
      emit({ value: out, positions: element.positions });
    },
  }));
}
