/**
 * @module consumers/deaggregate
 * Turns one Kinesis record into its user records through the one KPL codec
 * (`adapters/kpl-decoder.ts`), keeping the sub-sequence number so a checkpoint can point
 * inside a KPL aggregated record. As the KCL's `AggregatorUtil`: a user record has an
 * explicit hash key only when it carries its own, and a record that is not a valid
 * aggregate (no magic, bad checksum, malformed) passes through whole with sub-sequence 0,
 * so bad input reaches the operators as one record (and its dead letter) instead of
 * stopping the shard. Invariant: user records come out in KPL order, with sub-sequence
 * numbers 0..n-1 and the Kinesis record's sequence number.
 *
 * {@link toSourceRecords} is the consumer's per-read hot path: it de-aggregates a whole read
 * into numbered {@link SourceRecord}s with one object per user record (plus its position) and
 * no intermediate records; user data are views into the Kinesis record's bytes (no copy).
 */
import { decodeKplAggregate, visitKplAggregate } from '../adapters/index.js';
import type { SourceRecord } from '../core/index.js';
import type { ExtendedSequenceNumber } from './lease.js';

/** The fields of a Kinesis record this module needs (SDK v3 `_Record`). */
export interface KinesisRecordLike {
  readonly SequenceNumber?: string;
  readonly PartitionKey?: string;
  readonly Data?: Uint8Array;
  readonly ApproximateArrivalTimestamp?: Date;
}

/** One user record. */
export interface UserRecord {
  readonly sequenceNumber: string;
  readonly subSequenceNumber: number;
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
  readonly data: Uint8Array;
  readonly approximateArrivalTimestamp: number;
}

/** De-aggregates one Kinesis record (checksum verified); never throws on bad input. */
export function deaggregate(record: KinesisRecordLike): UserRecord[] {
  const sequenceNumber = record.SequenceNumber ?? '0';
  const partitionKey = record.PartitionKey ?? '';
  const data = record.Data ?? new Uint8Array();
  const approximateArrivalTimestamp = record.ApproximateArrivalTimestamp?.getTime() ?? 0;
  const users = decodeKplAggregate(data);
  if (!users) {
    return [
      { sequenceNumber, subSequenceNumber: 0, partitionKey, data, approximateArrivalTimestamp },
    ];
  }
  return users.map((u, subSequenceNumber) => ({
    sequenceNumber,
    subSequenceNumber,
    partitionKey: u.partitionKey,
    ...(u.explicitHashKey === undefined ? {} : { explicitHashKey: u.explicitHashKey }),
    data: u.data,
    approximateArrivalTimestamp,
  }));
}

const EMPTY = new Uint8Array(0);

/**
 * De-aggregates the Kinesis records of one read into the shard's user records, numbered with
 * consecutive ordinals from `firstOrdinal`. User records at or before `after` (a real
 * checkpoint, not a sentinel: a restart inside an aggregate) are dropped; records come in
 * shard order, so comparing stops at the first record past it.
 */
export function toSourceRecords(
  shardId: string,
  records: readonly KinesisRecordLike[],
  firstOrdinal: number,
  after?: ExtendedSequenceNumber,
): SourceRecord[] {
  const out: SourceRecord[] = [];
  let skipSeq = after === undefined ? undefined : BigInt(after.sequenceNumber);
  const skipSub = after?.subSequenceNumber ?? 0;
  for (const record of records) {
    const sequenceNumber = record.SequenceNumber ?? '0';
    let minSub = 0; // user records below this sub-sequence number are checkpointed
    if (skipSeq !== undefined) {
      const seq = BigInt(sequenceNumber);
      if (seq < skipSeq) continue;
      if (seq === skipSeq) minSub = skipSub + 1;
      else skipSeq = undefined;
    }
    const approximateArrivalTimestamp = record.ApproximateArrivalTimestamp?.getTime() ?? 0;
    const data = record.Data ?? EMPTY;
    const n = visitKplAggregate(data, (partitionKey, explicitHashKey, bytes, sub) => {
      if (sub < minSub) return;
      const position = {
        shardId,
        sequenceNumber,
        subSequenceNumber: sub,
        ordinal: firstOrdinal + out.length,
      };
      out.push(
        explicitHashKey === undefined
          ? { position, partitionKey, data: bytes, approximateArrivalTimestamp }
          : { position, partitionKey, data: bytes, approximateArrivalTimestamp, explicitHashKey },
      );
    });
    if (n < 0 && minSub === 0) {
      const position = {
        shardId,
        sequenceNumber,
        subSequenceNumber: 0,
        ordinal: firstOrdinal + out.length,
      };
      out.push({
        position,
        partitionKey: record.PartitionKey ?? '',
        data,
        approximateArrivalTimestamp,
      });
    }
  }
  return out;
}
