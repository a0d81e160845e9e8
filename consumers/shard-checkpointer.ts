/**
 * @module consumers/shard-checkpointer
 * The checkpoint writing of one shard consumer: the contiguous acked prefix (from its
 * {@link CheckpointTracker}) written by count (`checkpointEvery` acks) and on demand (the
 * interval timer, a session's commit, a relinquish), SHARD_END at the end, each with the
 * state reference that goes with the prefix.
 *
 * Invariants: writes are serialized (one chain), so no checkpoint lands after SHARD_END; after
 * the lease is lost, or once SHARD_END is being written, nothing else is written; a failed
 * write is reported (`shard.error`) and retried by the next checkpoint, never thrown.
 */
import type { CheckpointTracker } from './checkpoint-tracker.js';
import { SENTINEL, sentinel, type ExtendedSequenceNumber } from './lease.js';
import type { ShardConsumerDeps, ShardConsumerOptions } from './shard-types.js';

/** What a {@link ShardCheckpointer} needs of its shard consumer. */
export interface ShardCheckpointerHost {
  readonly shardId: string;
  /** The lease as taken (its state reference), the checkpoint write and the telemetry. */
  readonly deps: Pick<ShardConsumerDeps, 'lease' | 'checkpoint' | 'onEvent'>;
  /** `checkpointEvery`: acks after which a checkpoint is written; `sessionCommits`. */
  readonly options: Pick<ShardConsumerOptions, 'checkpointEvery' | 'sessionCommits'>;
  /** The tracker of delivered and acked records, once the shard is initialized. */
  tracker(): CheckpointTracker | undefined;
  /** True once the lease is lost: nothing may be written any more. */
  leaseLost(): boolean;
  /** Called after every checkpoint written (status: `lastCheckpointAt`). */
  written(): void;
}

/** Writes one shard's checkpoints, serialized. */
export class ShardCheckpointer {
  /** The state reference going with the acked prefix (committed, or the lease's). */
  stateRef: string | undefined;
  private chain: Promise<void> = Promise.resolve();
  private sinceCheckpoint = 0;
  /** The state reference of the last checkpoint written. */
  private writtenState: string | undefined;
  private shardEndWritten = false;

  constructor(private readonly host: ShardCheckpointerHost) {
    // without sessions nothing commits state: a checkpoint then names no snapshot
    this.stateRef = host.options.sessionCommits ? host.deps.lease.stateRef : undefined;
  }

  /** True once SHARD_END is being (or was) written: the session is over. */
  get finalWritten(): boolean {
    return this.shardEndWritten;
  }

  /** True if the last checkpoint written named `state`. */
  names(state: string): boolean {
    return this.writtenState === state;
  }

  /** Counts `moved` newly acked records; checkpoints once `checkpointEvery` have been. */
  acked(moved: number): void {
    this.sinceCheckpoint += moved;
    if (this.sinceCheckpoint >= this.host.options.checkpointEvery) void this.checkpointNow();
  }

  /** Writes the contiguous acked prefix if it moved; serialized. */
  checkpointNow(): Promise<void> {
    this.chain = this.chain.then(async () => {
      const tracker = this.host.tracker();
      const cp = tracker?.checkpointable();
      if (!cp || this.host.leaseLost() || this.shardEndWritten) return;
      try {
        await this.write(cp, [], this.stateRef);
        this.host.tracker()?.markCheckpointed(cp);
        this.sinceCheckpoint = 0;
      } catch (error) {
        this.host.deps.onEvent({ type: 'shard.error', shardId: this.host.shardId, error });
      }
    });
    return this.chain;
  }

  /**
   * Writes SHARD_END naming the child shards, after every earlier checkpoint; nothing is
   * written after it. Rejects if the write fails (the caller treats the lease as lost).
   */
  async writeShardEnd(children: readonly string[]): Promise<void> {
    this.shardEndWritten = true;
    await this.chain; // no earlier checkpoint may land after SHARD_END
    await this.write(sentinel(SENTINEL.SHARD_END), children, this.stateRef);
  }

  private async write(
    cp: ExtendedSequenceNumber,
    children: readonly string[],
    stateRef: string | undefined,
  ): Promise<void> {
    const { deps, shardId } = this.host;
    await deps.checkpoint(cp, children, stateRef);
    this.writtenState = stateRef;
    this.host.written();
    deps.onEvent({ type: 'shard.checkpointed', shardId, checkpoint: cp });
  }
}
