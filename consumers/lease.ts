/**
 * @module consumers/lease
 * The lease model, shaped exactly like the Java KCL's lease (2.x plus the 3.x fields
 * `checkpointOwner` and `throughputKBps`), and the extended sequence numbers it stores.
 * Invariant: a checkpoint is either a real Kinesis sequence number (decimal string) with a
 * sub-sequence number, or one of the KCL sentinels; positions compare as (sequence, sub).
 */

/** The KCL checkpoint sentinels, written to `checkpoint` as these exact strings. */
export const SENTINEL = {
  TRIM_HORIZON: 'TRIM_HORIZON',
  LATEST: 'LATEST',
  AT_TIMESTAMP: 'AT_TIMESTAMP',
  SHARD_END: 'SHARD_END',
} as const;

/** One of the sentinel strings. */
export type Sentinel = (typeof SENTINEL)[keyof typeof SENTINEL];

/** KCL's `ExtendedSequenceNumber`: a sequence number (or sentinel) plus a sub-sequence number. */
export interface ExtendedSequenceNumber {
  readonly sequenceNumber: string;
  /** Index inside a KPL aggregated record; 0 when not aggregated or for sentinels. */
  readonly subSequenceNumber: number;
}

/** A lease on one shard, as stored in the lease table. */
export interface Lease {
  /** The shard id (KCL single-stream mode). */
  readonly leaseKey: string;
  /**
   * shardflow's own attribute (`shardflowStream`, ignored by the KCL): the ARN of the stream
   * whose shard this is, so a worker of another stream never takes or deletes the lease.
   * Absent on leases written by the KCL or by shardflow before it was recorded.
   */
  readonly streamArn?: string;
  /** Worker holding the lease; absent when unowned (released or never taken). */
  readonly leaseOwner?: string;
  /** Version counter: every change increments it; every write is conditional on it. */
  readonly leaseCounter: number;
  /** Last processed position (inclusive), or a sentinel. */
  readonly checkpoint: ExtendedSequenceNumber;
  /** KCL two-phase checkpoint, kept when present in a table we take over. */
  readonly pendingCheckpoint?: ExtendedSequenceNumber;
  /** Owner changes since the last checkpoint (KCL's health signal). */
  readonly ownerSwitchesSinceCheckpoint: number;
  /** Parent shards (DynamoDB string set `parentShardId`, singular as KCL writes it). */
  readonly parentShardIds: readonly string[];
  /** Child shards, once known (string set `childShardIds`). */
  readonly childShardIds: readonly string[];
  /** The shard's hash key range, when known. */
  readonly hashKeyRange?: { readonly startingHashKey: string; readonly endingHashKey: string };
  /** KCL 3.x graceful hand-off: the previous owner, while it finishes and checkpoints. */
  readonly checkpointOwner?: string;
  /** KCL 3.x: measured throughput of the shard. */
  readonly throughputKBps?: number;
  /**
   * shardflow's own attribute (`shardflowState`, ignored by the KCL): the reference of the
   * keyed-state snapshot consistent with `checkpoint`, written in the same update.
   */
  readonly stateRef?: string;
}

/**
 * True if `leaseKey` is a KCL multi-stream key (`account:stream:creationEpoch:shardId`);
 * single-stream keys are bare shard ids, which never contain a colon.
 */
export function isMultiStreamKey(leaseKey: string): boolean {
  return leaseKey.includes(':');
}

/** True if `s` is one of the KCL sentinels. */
export function isSentinel(s: string): s is Sentinel {
  return (Object.values(SENTINEL) as string[]).includes(s);
}

/** A checkpoint at a sentinel. */
export function sentinel(s: Sentinel): ExtendedSequenceNumber {
  return { sequenceNumber: s, subSequenceNumber: 0 };
}

/** True if the lease's shard was completely processed. */
export function isShardEnd(lease: Pick<Lease, 'checkpoint'>): boolean {
  return lease.checkpoint.sequenceNumber === SENTINEL.SHARD_END;
}

/**
 * Compares two real positions: negative if `a` is before `b`. Sequence numbers are
 * compared as big integers (they exceed 2^53), then sub-sequence numbers.
 */
export function comparePositions(a: ExtendedSequenceNumber, b: ExtendedSequenceNumber): number {
  const x = BigInt(a.sequenceNumber);
  const y = BigInt(b.sequenceNumber);
  if (x !== y) return x < y ? -1 : 1;
  return a.subSequenceNumber - b.subSequenceNumber;
}

/** True if the record at `position` is at or before checkpoint `cp` (so already processed). */
export function isCheckpointed(
  position: ExtendedSequenceNumber,
  cp: ExtendedSequenceNumber,
): boolean {
  if (cp.sequenceNumber === SENTINEL.SHARD_END) return true;
  if (isSentinel(cp.sequenceNumber)) return false;
  return comparePositions(position, cp) <= 0;
}
