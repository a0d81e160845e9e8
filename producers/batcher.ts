/**
 * @module producers/batcher
 * Collection: turns the per-shard queues of accepted records into the entries of one put
 * call, honouring every limit — at most `maxEntries` entries and `maxBytes` bytes per call,
 * each shard's rate budget, and (when aggregating) at most `aggregationMaxBytes` per
 * aggregated record. Pure apart from taking items off the queues it is given.
 *
 * Invariant: an aggregated record only ever holds records of ONE predicted shard (each
 * queue is one shard), so it never straddles shards under the map it was planned with.
 * Per-shard order is kept: only a prefix of each queue is taken.
 */
import { KplAggregate } from './aggregation.js';
import type { CheckedRecord } from './limits.js';
import type { WireEntry } from './kinesis-writer.js';

/** A record waiting in a shard queue. */
export interface QueuedRecord {
  readonly record: CheckedRecord;
  /** Its 128-bit hash key. */
  readonly hash: bigint;
  /** Not to be sent before this time (ms): set by retry back-off. */
  notBefore: number;
}

/** One entry of a planned call and the queued records it carries. */
export interface PlannedEntry<T extends QueuedRecord> {
  readonly shardId: string;
  readonly entry: WireEntry;
  /** Records inside, in order (one unless aggregated). */
  readonly items: readonly T[];
  /** Billed bytes: data + partition key. */
  readonly size: number;
  readonly aggregated: boolean;
}

/** Remaining rate allowance of a shard. */
export interface ShardBudget {
  readonly entries: number;
  readonly bytes: number;
}

/** Options of {@link planCall}. */
export interface PlanOptions {
  /** Aggregate small records in the KPL format. */
  readonly aggregate: boolean;
  /** Largest aggregated record, magic and checksum included (KPL default 51,200). */
  readonly aggregationMaxBytes: number;
  /** Records larger than this are sent on their own. */
  readonly maxAggregatableBytes: number;
  /** Most entries in the call (≤ 500). */
  readonly maxEntries: number;
  /** Most billed bytes in the call (≤ 5 MiB). */
  readonly maxBytes: number;
  /** Current time (ms), compared with `notBefore`. */
  readonly now: number;
  /** Rate allowance of a shard now. */
  readonly budget: (shardId: string) => ShardBudget;
  /** Shards not to take from (ordering mode: a call for them is in flight). */
  readonly skip?: (shardId: string) => boolean;
  /** Take from one shard only (ordering mode). */
  readonly singleShard?: boolean;
}

/** UTF-8 length of a key without encoding it (same count as `TextEncoder`, lone surrogates 3). */
const keyBytes = (key: string) => Buffer.byteLength(key, 'utf8');

/**
 * Plans one call: takes records off the heads of `queues` (visited in `order`) into
 * entries until a limit is reached. Returns the entries (possibly none). Each queue is read
 * by index and trimmed once at the end (an `Array.shift` per record is O(queue length) for
 * large arrays: ≈ 8 µs per record on a 50,000-record queue).
 */
export function planCall<T extends QueuedRecord>(
  queues: Map<string, T[]>,
  order: readonly string[],
  options: PlanOptions,
): PlannedEntry<T>[] {
  const { maxEntries, maxBytes, now } = options;
  const planned: PlannedEntry<T>[] = [];
  let callBytes = 0;
  for (const shardId of order) {
    if (planned.length >= maxEntries) break;
    const queue = queues.get(shardId);
    if (!queue || queue.length === 0 || options.skip?.(shardId)) continue;
    const budget = options.budget(shardId);
    let entries = 0;
    let bytes = 0;
    let pos = 0; // records of this queue taken so far
    while (pos < queue.length && planned.length < maxEntries && entries < budget.entries) {
      if (queue[pos]!.notBefore > now) break;
      const next = nextEntry(queue, pos, shardId, options);
      if (callBytes + next.size > maxBytes || bytes + next.size > budget.bytes) break;
      planned.push(next);
      pos += next.items.length;
      entries += 1;
      bytes += next.size;
      callBytes += next.size;
    }
    if (pos > 0) queue.splice(0, pos);
    if (options.singleShard && planned.length > 0) break;
  }
  return planned;
}

/**
 * The next entry from `queue[pos]` on (nothing is removed here): an aggregate of eligible
 * small records, or one record.
 */
function nextEntry<T extends QueuedRecord>(
  queue: readonly T[],
  pos: number,
  shardId: string,
  options: PlanOptions,
): PlannedEntry<T> {
  const head = queue[pos]!;
  const single = (): PlannedEntry<T> => ({
    shardId,
    entry: head.record,
    items: [head],
    size: head.record.size,
    aggregated: false,
  });
  if (!options.aggregate || head.record.size > options.maxAggregatableBytes) return single();
  const aggregate = new KplAggregate(options.aggregationMaxBytes);
  if (!aggregate.tryAdd(head.record)) return single();
  let end = pos + 1;
  while (end < queue.length) {
    const next = queue[end]!;
    if (next.notBefore > options.now || next.record.size > options.maxAggregatableBytes) break;
    if (!aggregate.tryAdd(next.record)) break;
    end += 1;
  }
  if (end === pos + 1) return single();
  const data = aggregate.encode();
  // Route the aggregate by the first record's hash key, so it lands where it was predicted.
  const entry: WireEntry = {
    partitionKey: head.record.partitionKey,
    explicitHashKey: head.hash.toString(),
    data,
  };
  return {
    shardId,
    entry,
    items: queue.slice(pos, end),
    size: data.byteLength + keyBytes(entry.partitionKey),
    aggregated: true,
  };
}
