/**
 * @module producers/shard-map
 * Shard prediction: the 128-bit hash key of a record (MD5 of its partition key, or its
 * explicit hash key) located among the hash-key ranges of the stream's open shards, as
 * `ListShards` reports them. The map is a pure value; the producer replaces it when a put
 * lands on an unexpected shard or after resharding.
 */
import { hash as oneShotHash } from 'node:crypto';

/** The parts of a `ListShards` shard this module reads (the SDK's `Shard` fits). */
export interface ShardDescription {
  readonly ShardId?: string;
  readonly HashKeyRange?: { readonly StartingHashKey?: string; readonly EndingHashKey?: string };
  readonly SequenceNumberRange?: { readonly EndingSequenceNumber?: string };
}

/** One open shard and its inclusive hash-key range. */
export interface ShardRange {
  readonly shardId: string;
  readonly start: bigint;
  readonly end: bigint;
}

/** Recently hashed partition keys (a stream has few, repeated ones: device ids). */
const recent = new Map<string, bigint>();
const RECENT_MAX = 4096;

/**
 * The 128-bit hash key Kinesis uses to place a record (MD5 of the UTF-8 partition key).
 * Per record this is a one-shot `crypto.hash` (no Hash object) and, for a key seen recently,
 * a map lookup: the producer predicts a shard for every record, and keys repeat.
 */
export function hashKeyOf(record: { partitionKey: string; explicitHashKey?: string }): bigint {
  if (record.explicitHashKey !== undefined) return BigInt(record.explicitHashKey);
  const key = record.partitionKey;
  let h = recent.get(key);
  if (h === undefined) {
    h = BigInt(`0x${oneShotHash('md5', key, 'hex')}`);
    if (recent.size >= RECENT_MAX) recent.clear();
    recent.set(key, h);
  }
  return h;
}

/** Immutable lookup from hash key to open shard. */
export class ShardMap {
  /** Open shards sorted by starting hash key. */
  readonly shards: readonly ShardRange[];

  private constructor(shards: readonly ShardRange[]) {
    this.shards = shards;
  }

  /** Builds the map from `ListShards` output, keeping only open shards (no ending sequence). */
  static fromShards(shards: readonly ShardDescription[]): ShardMap {
    const open: ShardRange[] = [];
    for (const s of shards) {
      if (s.SequenceNumberRange?.EndingSequenceNumber !== undefined) continue;
      if (!s.ShardId || !s.HashKeyRange?.StartingHashKey || !s.HashKeyRange.EndingHashKey) continue;
      open.push({
        shardId: s.ShardId,
        start: BigInt(s.HashKeyRange.StartingHashKey),
        end: BigInt(s.HashKeyRange.EndingHashKey),
      });
    }
    open.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    return new ShardMap(open);
  }

  /** The open shard whose range holds `hash`, or undefined if none does (a stale map). */
  shardFor(hash: bigint): string | undefined {
    let lo = 0;
    let hi = this.shards.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.shards[mid]!;
      if (hash < s.start) hi = mid - 1;
      else if (hash > s.end) lo = mid + 1;
      else return s.shardId;
    }
    return undefined;
  }

  /** Whether `shardId` is open in this map and its range holds `hash`. */
  contains(shardId: string, hash: bigint): boolean {
    return this.shardFor(hash) === shardId;
  }
}
