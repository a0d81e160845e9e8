/**
 * @module consumers/deaggregate
 * Turns one Kinesis record into its user records through the one KPL codec
 * (`adapters/kpl-codec.ts`), keeping the sub-sequence number so a checkpoint can point
 * inside a KPL aggregated record. As the KCL's `AggregatorUtil`: a user record has an
 * explicit hash key only when it carries its own, and a record that is not a valid
 * aggregate (no magic, bad checksum, malformed) passes through whole with sub-sequence 0,
 * so bad input reaches the operators as one record (and its dead letter) instead of
 * stopping the shard. Invariant: user records come out in KPL order, with sub-sequence
 * numbers 0..n-1 and the Kinesis record's sequence number.
 */
import { decodeKplAggregate } from '../adapters/index.js';

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
