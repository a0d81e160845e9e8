/**
 * @module consumers/deaggregate
 * Typed adapter over `aws-kinesis-agg` (its declarations import the v2 SDK): turns one
 * Kinesis record into its user records, keeping the sub-sequence number so a checkpoint
 * can point inside a KPL aggregated record. Plain records pass through with sub-sequence 0
 * and without touching the library. Invariant: user records come out in KPL order, with
 * sub-sequence numbers 0..n-1 and the Kinesis record's sequence number.
 */
import { createRequire } from 'node:module';

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

interface AggUserRecord {
  partitionKey: string;
  explicitPartitionKey?: string;
  subSequenceNumber?: number;
  data: string;
}
interface AggModule {
  deaggregateSync(
    record: { data: string; partitionKey: string; sequenceNumber: string },
    computeChecksums: boolean,
    done: (err: Error | null | undefined, records?: AggUserRecord[]) => void,
  ): void;
}

const agg = createRequire(import.meta.url)('aws-kinesis-agg') as AggModule;
/** The KPL aggregation magic number (first four bytes of an aggregated record). */
const MAGIC = [0xf3, 0x89, 0x9a, 0xc2];

/** True if the payload is a KPL aggregated record. */
export function isAggregated(data: Uint8Array): boolean {
  return data.length > 20 && MAGIC.every((b, i) => data[i] === b);
}

/** De-aggregates one Kinesis record (checksums verified). Throws on a corrupt aggregate. */
export function deaggregate(record: KinesisRecordLike): UserRecord[] {
  const sequenceNumber = record.SequenceNumber ?? '0';
  const partitionKey = record.PartitionKey ?? '';
  const data = record.Data ?? new Uint8Array();
  const approximateArrivalTimestamp = record.ApproximateArrivalTimestamp?.getTime() ?? 0;
  if (!isAggregated(data)) {
    return [
      { sequenceNumber, subSequenceNumber: 0, partitionKey, data, approximateArrivalTimestamp },
    ];
  }
  let out: UserRecord[] = [];
  let failure: Error | undefined;
  agg.deaggregateSync(
    { data: Buffer.from(data).toString('base64'), partitionKey, sequenceNumber },
    true,
    (err, records) => {
      if (err) failure = err;
      out = (records ?? []).map((r, i) => ({
        sequenceNumber,
        subSequenceNumber: r.subSequenceNumber ?? i,
        partitionKey: r.partitionKey,
        ...(r.explicitPartitionKey ? { explicitHashKey: r.explicitPartitionKey } : {}),
        data: new Uint8Array(Buffer.from(r.data, 'base64')),
        approximateArrivalTimestamp,
      }));
    },
  );
  if (failure) throw failure;
  return out;
}
