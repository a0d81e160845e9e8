/**
 * @module producers/aggregation
 * The producer's view of the KPL aggregated-record format: the aggregate builder and the
 * reader are the one codec in `adapters/kpl-encoder.ts` and `adapters/kpl-decoder.ts`; this
 * module only names them for the producer and reads a Kinesis record back into user records
 * (tests, stream readers).
 * Invariant: a user record read back has an explicit hash key only if it was written with
 * one (as the KCL's `AggregatorUtil` reads it).
 */
import { decodeKplAggregate, type KplUserRecord } from '../adapters/index.js';

export {
  AGGREGATION_OVERHEAD_BYTES,
  DEFAULT_AGGREGATION_MAX_BYTES,
  KplAggregate,
} from '../adapters/index.js';

/** A user record inside an aggregate. */
export type AggregatedUserRecord = KplUserRecord;

/** A user record read back from a Kinesis record (aggregated or not). */
export interface DeaggregatedRecord {
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
  readonly sequenceNumber: string;
  /** Index inside the aggregate; undefined for a record that was not aggregated. */
  readonly subSequenceNumber?: number;
  readonly data: Buffer;
}

/**
 * Reads the user records back out of a Kinesis record (checksum verified). A record that
 * is not a valid aggregate comes back alone, as the KCL delivers it.
 */
export function deaggregate(record: {
  partitionKey: string;
  sequenceNumber: string;
  data: Uint8Array;
}): DeaggregatedRecord[] {
  const { partitionKey, sequenceNumber } = record;
  const users = decodeKplAggregate(record.data);
  if (!users) return [{ partitionKey, sequenceNumber, data: Buffer.from(record.data) }];
  return users.map((u, subSequenceNumber) => ({
    partitionKey: u.partitionKey,
    ...(u.explicitHashKey === undefined ? {} : { explicitHashKey: u.explicitHashKey }),
    sequenceNumber,
    subSequenceNumber,
    data: Buffer.from(u.data),
  }));
}
