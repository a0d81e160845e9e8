/**
 * @module adapters/kpl-format
 * The KPL aggregated-record format shared by shardflow's one KPL codec (encoder in
 * `kpl-encoder.ts`, decoder in `kpl-decoder.ts`): magic `F3 89 9A C2`, a protobuf
 * `AggregatedRecord` (partition-key table, explicit-hash-key table, nested user records),
 * and the MD5 of the message as a 16-byte trailer. The codec writes and reads the protobuf
 * wire format directly (`protobuf-wire.ts`). `aws-kinesis-agg` is kept only as an
 * independent reader in tests: its reader gives every user record without an
 * explicit-hash-key index the first key of the table (protobuf default 0), and its writer
 * reorders integer-like keys.
 *
 * Invariant, as in the KCL's `AggregatorUtil`: a user record has an explicit hash key only
 * when it carries its own `explicit_hash_key_index`.
 */

/** A user record inside an aggregate. */
export interface KplUserRecord {
  readonly partitionKey: string;
  /** Present only when the user record has its own explicit hash key. */
  readonly explicitHashKey?: string;
  readonly data: Uint8Array;
}

/** The aggregation magic number (first four bytes of an aggregated record). */
export const KPL_MAGIC: readonly number[] = [0xf3, 0x89, 0x9a, 0xc2];
/** Bytes the format adds around the protobuf message: 4 magic + 16 MD5. */
export const AGGREGATION_OVERHEAD_BYTES = 20;
/** The KPL's default `AggregationMaxSize`: 50 KiB per aggregated record. */
export const DEFAULT_AGGREGATION_MAX_BYTES = 51_200;

/** True if `data` starts with the magic and is long enough to hold a message and checksum. */
export function isKplAggregate(data: Uint8Array): boolean {
  return (
    data.length > AGGREGATION_OVERHEAD_BYTES &&
    data[0] === 0xf3 &&
    data[1] === 0x89 &&
    data[2] === 0x9a &&
    data[3] === 0xc2
  );
}
