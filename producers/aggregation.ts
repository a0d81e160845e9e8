/**
 * @module producers/aggregation
 * A typed adapter around `aws-kinesis-agg`, the library that writes and reads the KPL
 * aggregated-record format (magic `f3899ac2`, protobuf `AggregatedRecord`, MD5 trailer).
 * Its own type declarations import the v2 AWS SDK, so it is loaded untyped here and
 * exposed through the small typed surface below; nothing else in shardflow touches it.
 *
 * Invariant: {@link KplAggregate} never grows past its byte budget, so the encoded record
 * (with magic and checksum) is at most `maxBytes`.
 */
import { createRequire } from 'node:module';

/** A user record inside an aggregate. */
export interface AggregatedUserRecord {
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
  readonly data: Uint8Array;
}

/** A user record read back from a Kinesis record (aggregated or not). */
export interface DeaggregatedRecord {
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
  readonly sequenceNumber: string;
  /** Index inside the aggregate; undefined for a record that was not aggregated. */
  readonly subSequenceNumber?: number;
  readonly data: Buffer;
}

interface LibRecord {
  partitionKey: string;
  explicitHashKey?: string;
  data: Buffer;
}
interface LibAggregator {
  totalBytes: number;
  calculateUserRecordSize(record: LibRecord): number;
  addUserRecord(record: LibRecord): void;
  build(): { partitionKey: string; data: Buffer } | undefined;
  length(): number;
}
interface LibUserRecord {
  partitionKey: string;
  explicitPartitionKey?: string;
  sequenceNumber: string;
  subSequenceNumber?: number;
  data: string;
}
interface Lib {
  RecordAggregator: new () => LibAggregator;
  deaggregateSync(
    record: { partitionKey: string; data: string; sequenceNumber: string },
    computeChecksums: boolean,
    done: (error: Error | null | undefined, records?: LibUserRecord[]) => void,
  ): void;
}

const lib = createRequire(import.meta.url)('aws-kinesis-agg') as Lib;

/** Bytes the format adds around the protobuf message: 4 magic + 16 MD5. */
export const AGGREGATION_OVERHEAD_BYTES = 20;
/** The KPL's default `AggregationMaxSize`: 50 KiB per aggregated record. */
export const DEFAULT_AGGREGATION_MAX_BYTES = 51_200;

/** Builds one aggregated record from user records, within a byte budget. */
export class KplAggregate {
  private readonly inner = new lib.RecordAggregator();
  private readonly maxBytes: number;

  constructor(maxBytes = DEFAULT_AGGREGATION_MAX_BYTES) {
    this.maxBytes = maxBytes;
  }

  /** User records added so far. */
  get count(): number {
    return this.inner.length();
  }

  /** Encoded size so far, including magic and checksum. */
  get bytes(): number {
    return this.inner.totalBytes + AGGREGATION_OVERHEAD_BYTES;
  }

  /** Adds `record` if the encoded aggregate stays within budget; returns whether it did. */
  tryAdd(record: AggregatedUserRecord): boolean {
    const lr: LibRecord = {
      partitionKey: record.partitionKey,
      data: Buffer.from(record.data.buffer, record.data.byteOffset, record.data.byteLength),
      ...(record.explicitHashKey === undefined ? {} : { explicitHashKey: record.explicitHashKey }),
    };
    const grown = this.inner.totalBytes + this.inner.calculateUserRecordSize(lr);
    if (grown + AGGREGATION_OVERHEAD_BYTES > this.maxBytes) return false;
    this.inner.addUserRecord(lr);
    return true;
  }

  /** The encoded aggregated record (KPL format). */
  encode(): Buffer {
    const built = this.inner.build();
    if (!built) throw new Error('cannot encode an empty aggregate');
    return built.data;
  }
}

/**
 * Reads the user records back out of a Kinesis record with `aws-kinesis-agg`'s
 * deaggregator (checksums verified). A record that is not aggregated comes back alone.
 */
export function deaggregate(record: {
  partitionKey: string;
  sequenceNumber: string;
  data: Uint8Array;
}): DeaggregatedRecord[] {
  let out: DeaggregatedRecord[] | undefined;
  let failure: Error | undefined;
  lib.deaggregateSync(
    {
      partitionKey: record.partitionKey,
      sequenceNumber: record.sequenceNumber,
      data: Buffer.from(record.data).toString('base64'),
    },
    true,
    (error, records) => {
      if (error) failure = error;
      else
        out = (records ?? []).map((r) => ({
          partitionKey: r.partitionKey,
          sequenceNumber: r.sequenceNumber,
          data: Buffer.from(r.data, 'base64'),
          ...(r.explicitPartitionKey === undefined
            ? {}
            : { explicitHashKey: r.explicitPartitionKey }),
          ...(r.subSequenceNumber === undefined ? {} : { subSequenceNumber: r.subSequenceNumber }),
        }));
    },
  );
  if (failure) throw failure;
  return out ?? [];
}
