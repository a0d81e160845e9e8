/**
 * @module core/lineage/source-record
 * The contract between the consumer and the operator chain: every record entering the
 * chain carries its source position, so results can be acknowledged exactly and the
 * checkpoint never passes a record whose results are not durable (ARCHITECTURE.md).
 */

/**
 * Where a user record came from. `ordinal` is a dense per-shard delivery index assigned
 * by the shard reader of this process (consecutive records of a shard differ by exactly
 * 1, and it never restarts within a process, also when a lease is lost and re-taken), so
 * sets of positions compact into ordinal ranges.
 */
export interface Position {
  readonly shardId: string;
  /** Kinesis sequence number of the (possibly aggregated) Kinesis record, as a decimal string. */
  readonly sequenceNumber: string;
  /** Index of the user record inside a KPL aggregated record; 0 when not aggregated. */
  readonly subSequenceNumber: number;
  /** Dense per-shard delivery index (see above). */
  readonly ordinal: number;
}

/** One user record as delivered by a shard reader, after de-aggregation. */
export interface SourceRecord {
  readonly position: Position;
  readonly partitionKey: string;
  readonly data: Uint8Array;
  /** Epoch milliseconds when Kinesis accepted the record. */
  readonly approximateArrivalTimestamp: number;
  readonly explicitHashKey?: string;
}
