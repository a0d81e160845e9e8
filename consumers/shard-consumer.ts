/**
 * @module consumers/shard-consumer
 * The lifecycle of one leased shard as an explicit state machine (KCL `ConsumerStates`):
 * waiting-on-parents → initializing → processing → shutdown-requested → shutting-down → done,
 * with outcome `shard-ended`, `lease-lost` or `requested`. It reads, de-aggregates, skips
 * what the checkpoint already covers, numbers records with the process-wide dense ordinal,
 * applies back-pressure on unacknowledged records, and checkpoints the contiguous acked
 * prefix by count and interval, at SHARD_END (after every record is acked) and on a
 * requested shutdown. With `sessionCommits` it hands a {@link ShardSession} to its processor
 * once the shard may be read; the processor's commits (an ordinal plus a state reference)
 * are then the acks, and SHARD_END waits for the processor's `final` commit instead of for
 * every record's ack — so open windows travel in the final snapshot. Invariant: after
 * `lease-lost` it writes nothing; a checkpoint never passes an unacknowledged record, and
 * names the state reference committed with that record.
 *
 * This module is the state machine; the reading is `shard-read-loop.ts`, the checkpoint
 * writing `shard-checkpointer.ts`, the vocabulary `shard-types.ts`.
 */
import { PositionSet } from '../core/index.js';
import { CheckpointTracker } from './checkpoint-tracker.js';
import { isShardEnd, type ExtendedSequenceNumber } from './lease.js';
import { ShardCheckpointer } from './shard-checkpointer.js';
import { readShard } from './shard-read-loop.js';
import { startingPosition, sleep } from './shard-reader.js';
import type {
  SessionCommit,
  ShardConsumerDeps,
  ShardConsumerOptions,
  ShardOutcome,
  ShardState,
  ShardStatus,
} from './shard-types.js';
import { SessionChannel, endReason } from './shard-session.js';

export type {
  ShardState,
  ShardOutcome,
  ShardBatch,
  ShardEvent,
  ShardConsumerDeps,
  ShardConsumerOptions,
  ShardStatus,
} from './shard-types.js';

/** One leased shard being processed. */
export class ShardConsumer {
  readonly shardId: string;
  private stateValue: ShardState = 'waiting-on-parents';
  private outcomeValue: ShardOutcome | undefined;
  private readonly abort = new AbortController();
  private tracker: CheckpointTracker | undefined;
  private waiters: (() => void)[] = [];
  private drainDeadline = Number.POSITIVE_INFINITY;
  private channel: SessionChannel | undefined;
  private readonly checkpoints: ShardCheckpointer;
  private finalCommitted = false;
  private childShardIds: string[] = [];
  private readonly never = new AbortController().signal;
  private stats: Omit<ShardStatus, 'shardId' | 'state' | 'outcome' | 'unacked'> = { delivered: 0 };

  constructor(
    private readonly deps: ShardConsumerDeps,
    private readonly options: ShardConsumerOptions,
  ) {
    this.shardId = deps.lease.leaseKey;
    this.checkpoints = new ShardCheckpointer({
      shardId: this.shardId,
      deps,
      options,
      tracker: () => this.tracker,
      leaseLost: () => this.outcomeValue === 'lease-lost',
      written: () => {
        this.stats = { ...this.stats, lastCheckpointAt: this.options.now() };
      },
    });
  }

  /** Current state. */
  get state(): ShardState {
    return this.stateValue;
  }

  /** Outcome, once done (or decided). */
  get outcome(): ShardOutcome | undefined {
    return this.outcomeValue;
  }

  /** Health snapshot. */
  status(): ShardStatus {
    return {
      shardId: this.shardId,
      state: this.stateValue,
      ...(this.outcomeValue ? { outcome: this.outcomeValue } : {}),
      unacked: this.tracker?.unacked ?? 0,
      ...this.stats,
    };
  }

  /** Runs the lifecycle to `done`. Never rejects. */
  async run(): Promise<ShardOutcome> {
    const timer = setInterval(() => void this.checkpointNow(), this.options.checkpointIntervalMs);
    try {
      await this.process();
    } catch (error) {
      if (!this.abort.signal.aborted) {
        this.deps.onEvent({ type: 'shard.error', shardId: this.shardId, error });
        this.outcomeValue ??= 'requested';
      }
    } finally {
      clearInterval(timer);
    }
    this.channel?.end(endReason(this.outcomeValue));
    await this.shutDown();
    return this.outcomeValue ?? 'requested';
  }

  /** The sequence position of an in-flight ordinal of this session, if it is one. */
  positionOf(ordinal: number): ExtendedSequenceNumber | undefined {
    return this.tracker?.positionOf(ordinal);
  }

  /** Applies acknowledgements (any shard; other shards' positions are ignored). */
  ack(positions: PositionSet): void {
    if (!this.tracker || this.outcomeValue === 'lease-lost') return;
    const moved = this.tracker.ack(positions);
    if (moved === 0) return;
    this.stats = { ...this.stats, lastAckAt: this.options.now() };
    this.checkpoints.acked(moved);
    this.wake();
  }

  /**
   * The processor's commit (see {@link SessionCommit}): acks every record up to `upTo`,
   * takes `state` as the reference of that position, and checkpoints at once (a `final`
   * commit lets SHARD_END be written). Resolves true once the lease names `state`; rejects if
   * the lease is lost or the session over.
   */
  async commit(commit: SessionCommit): Promise<boolean> {
    if (this.outcomeValue === 'lease-lost' || this.checkpoints.finalWritten || !this.tracker)
      throw new Error(`shard ${this.shardId}: commit after the session ended`);
    if (commit.upTo !== undefined) {
      const moved = this.tracker.ack(PositionSet.range(this.shardId, 0, commit.upTo));
      if (moved > 0) this.stats = { ...this.stats, lastAckAt: this.options.now() };
    }
    if (commit.state !== undefined) this.checkpoints.stateRef = commit.state;
    if (commit.final) {
      this.finalCommitted = true;
      this.wake();
      return false;
    }
    this.wake();
    await this.checkpointNow();
    return commit.state !== undefined && this.checkpoints.names(commit.state);
  }

  /** The lease is gone: stop at once, checkpoint nothing. */
  leaseLost(): void {
    if (this.stateValue === 'done') return;
    this.outcomeValue = 'lease-lost';
    this.abort.abort(new Error('lease lost'));
    this.channel?.end('leaseLost');
    this.wake();
  }

  /**
   * Graceful stop (release or hand-off): stop reading, wait for acks until `deadline`. A
   * shard waiting at its end for the final commit waits only until `deadline` too.
   */
  requestShutdown(deadline: number): void {
    if (this.stateValue !== 'done' && this.outcomeValue === 'shard-ended') {
      this.drainDeadline = Math.min(this.drainDeadline, deadline);
      this.wake();
      return;
    }
    if (this.stateValue === 'done' || this.outcomeValue) return;
    this.outcomeValue = 'requested';
    this.drainDeadline = deadline;
    if (this.stateValue !== 'shutting-down') this.set('shutdown-requested');
    this.abort.abort(new Error('shutdown requested'));
    this.wake();
  }

  private async process(): Promise<void> {
    const signal = this.abort.signal;
    while (!(await this.deps.parentsDone())) await sleep(this.options.parentPollMs, signal);
    if (signal.aborted) return;
    this.set('initializing');
    const { lease } = this.deps;
    const tracker = new CheckpointTracker(this.shardId, this.deps.peekOrdinal());
    this.tracker = tracker;
    if (isShardEnd(lease)) {
      this.outcomeValue = 'shard-ended';
      this.finalCommitted = true; // nothing left to process: keep the final state as it is
      return;
    }
    if (this.options.sessionCommits) {
      this.channel = new SessionChannel(lease, this.deps.parentLeases ?? (async () => []), (c) =>
        this.commit(c),
      );
      this.deps.sessionStarted?.(this.channel.session);
    }
    const reader = this.deps.makeReader(
      startingPosition(lease.checkpoint, this.options.atTimestamp),
    );
    this.set('processing');
    const { shardId, deps, options, channel } = this;
    await readShard(
      {
        shardId,
        deps,
        options,
        tracker,
        channel,
        signal,
        changed: () => this.changed(),
        progress: (progress) => {
          this.stats = { ...this.stats, ...progress };
        },
        ended: (childShardIds) => {
          this.childShardIds = childShardIds;
          this.outcomeValue = 'shard-ended';
        },
      },
      reader,
      lease.checkpoint,
    );
  }

  private async shutDown(): Promise<void> {
    if (this.outcomeValue === 'lease-lost') return this.set('done');
    this.set('shutting-down');
    const tracker = this.tracker;
    if (this.outcomeValue === 'shard-ended') {
      // every record must be acked (with sessions: the final commit made) before SHARD_END
      // is written (children wait for it); a requested shutdown bounds the wait
      const ready = () =>
        this.options.sessionCommits ? this.finalCommitted : !tracker || tracker.unacked === 0;
      while (
        !ready() &&
        (this.outcomeValue as ShardOutcome) === 'shard-ended' &&
        this.options.now() < this.drainDeadline
      )
        await Promise.race([this.changed(), sleep(100, this.never)]);
      if ((this.outcomeValue as ShardOutcome) !== 'shard-ended') return this.shutDown();
      if (!ready()) return this.relinquish();
      try {
        await this.checkpoints.writeShardEnd(this.childShardIds);
        this.deps.finished();
      } catch {
        this.outcomeValue = 'lease-lost';
      }
      return this.set('done');
    }
    while (
      tracker &&
      tracker.unacked > 0 &&
      this.options.now() < this.drainDeadline &&
      this.outcomeValue === 'requested'
    ) {
      await Promise.race([this.changed(), new Promise((r) => setTimeout(r, 50))]);
    }
    if (this.outcomeValue === 'requested') return this.relinquish();
    this.set('done');
  }

  /** Checkpoints the acked prefix and gives the lease up (release or hand-off). */
  private async relinquish(): Promise<void> {
    try {
      await this.checkpointNow();
      await this.deps.relinquish();
    } catch {
      this.outcomeValue = 'lease-lost';
    }
    this.set('done');
  }

  /** Writes the contiguous acked prefix if it moved; serialized. */
  checkpointNow(): Promise<void> {
    return this.checkpoints.checkpointNow();
  }

  private set(state: ShardState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    this.deps.onEvent({
      type: 'shard.state',
      shardId: this.shardId,
      state,
      ...(state === 'done' && this.outcomeValue ? { outcome: this.outcomeValue } : {}),
    });
    this.wake();
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
