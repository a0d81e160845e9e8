/**
 * @module core/lineage/traced
 * The envelope every operator output travels in: a value plus the exact set of source
 * positions it was derived from. Invariant: an operator's outputs (values and dead letters
 * together) carry, in union, exactly the positions of its inputs — nothing is acknowledged
 * that was not consumed, and nothing consumed goes unacknowledged.
 */
import type { SourceRecord } from './source-record.js';
import { PositionSet } from './position-set.js';

/**
 * A value with its lineage. Sinks acknowledge `positions` once `value` is durable.
 *
 * @example
 * ```ts
 * const t: Traced<number> = { value: 42, positions: PositionSet.of(record.position) };
 * ```
 */
export interface Traced<T> {
  readonly value: T;
  readonly positions: PositionSet;
}

/**
 * Wraps a value with its positions.
 * @example `traced(reading, PositionSet.of(record.position))`
 */
export function traced<T>(value: T, positions: PositionSet): Traced<T> {
  return { value, positions };
}

/**
 * Wraps a consumer-delivered record, its lineage being its own position — the entry point
 * of every operator chain.
 * @example `records$.pipe(map(tracedSource))`
 */
export function tracedSource(record: SourceRecord): Traced<SourceRecord> {
  return {
    value: record,
    positions: PositionSet.single(record.position.shardId, record.position.ordinal),
  };
}
