/**
 * @module consumers/shard-read-loop
 * The reading of one leased shard, from its checkpoint to SHARD_END: back-pressure on
 * unacknowledged records, one read at a time, the read's Kinesis records turned into
 * numbered user records (de-aggregated, what the checkpoint covers skipped, dense ordinals
 * taken once per read), delivered as one {@link ShardBatch}, and at the end the child
 * shards' leases created.
 *
 * Invariants: records are delivered in shard order, each batch's ordinals contiguous and
 * tracked before the batch is emitted; user records at or before a real checkpoint are
 * skipped (a restart inside an aggregate); the reader is closed however the loop ends.
 */
import { PositionSet } from '../core/index.js';
import type { CheckpointTracker } from './checkpoint-tracker.js';
import { toSourceRecords } from './deaggregate.js';
import { isSentinel, type ExtendedSequenceNumber } from './lease.js';
import type { ShardReader } from './shard-reader.js';
import type { SessionChannel } from './shard-session.js';
import type {
  ShardBatch,
  ShardConsumerDeps,
  ShardConsumerOptions,
  ShardStatus,
} from './shard-types.js';

/** The reading part of a shard's status (`delivered` counts since the loop started). */
export type ShardReadProgress = Partial<
  Pick<ShardStatus, 'lastReadAt' | 'millisBehindLatest' | 'lastRecordAt' | 'delivered'>
>;

/** What {@link readShard} needs of its shard consumer. */
export interface ShardReadHost {
  readonly shardId: string;
  readonly deps: ShardConsumerDeps;
  readonly tracker: CheckpointTracker;
  /** The session the batches go to too (with `sessionCommits`). */
  readonly channel: SessionChannel | undefined;
  /** `maxUnacked`: unacknowledged records at which reading waits; `now`: the clock. */
  readonly options: Pick<ShardConsumerOptions, 'maxUnacked' | 'now'>;
  /** Aborted on lease loss or a requested shutdown: the loop stops. */
  readonly signal: AbortSignal;
  /** Resolves at the next change (an ack, a state change). */
  changed(): Promise<void>;
  /** Progress for the shard's status, after each read and each delivery. */
  progress(progress: ShardReadProgress): void;
  /** The shard is fully read and its children's leases exist. */
  ended(childShardIds: string[]): void;
}

/**
 * Reads the shard from `checkpoint` until it ends (then calls `host.ended`) or
 * `host.signal` aborts; rejects if a read, a child lease or the ordinals fail. Closes `reader`.
 */
export async function readShard(
  host: ShardReadHost,
  reader: ShardReader,
  checkpoint: ExtendedSequenceNumber,
): Promise<void> {
  const { shardId, deps, tracker, signal, options } = host;
  let delivered = 0;
  // user records at or before a real checkpoint are skipped (a restart inside an aggregate)
  let after = isSentinel(checkpoint.sequenceNumber) ? undefined : checkpoint;
  try {
    while (!signal.aborted) {
      while (tracker.unacked >= options.maxUnacked && !signal.aborted) await host.changed();
      if (signal.aborted) return;
      const result = await reader.read(signal);
      const now = options.now();
      const { millisBehindLatest } = result;
      host.progress({
        lastReadAt: now,
        ...(millisBehindLatest !== undefined ? { millisBehindLatest } : {}),
      });
      // one object per user record (and its position); ordinals taken once per read
      const first = deps.peekOrdinal();
      const records = toSourceRecords(shardId, result.records, first, after);
      if (records.length > 0) {
        after = undefined; // shard order: everything from here on is past the checkpoint
        if (deps.takeOrdinals(records.length) !== first)
          throw new RangeError(`shard ${shardId}: ordinals taken concurrently`);
        tracker.deliveredAll(records);
        delivered += records.length;
        host.progress({ lastRecordAt: now, delivered });
        const batch: ShardBatch = {
          shardId,
          records,
          positions: PositionSet.range(shardId, first, first + records.length - 1),
          ...(millisBehindLatest !== undefined ? { millisBehindLatest } : {}),
        };
        deps.emit(batch);
        host.channel?.deliver(batch);
        deps.onEvent({
          type: 'shard.delivered',
          shardId,
          count: records.length,
          ...(millisBehindLatest !== undefined ? { millisBehindLatest } : {}),
        });
      }
      if (result.shardEnd) {
        if (result.childShards?.length) await deps.createChildLeases(result.childShards);
        host.ended((result.childShards ?? []).map((c) => c.ShardId as string));
        return;
      }
    }
  } finally {
    reader.close();
  }
}
