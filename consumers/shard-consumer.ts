/**
 * @module consumers/shard-consumer
 * The lifecycle of one leased shard as an explicit state machine (KCL `ConsumerStates`):
 * waiting-on-parents → initializing → processing → shutdown-requested → shutting-down → done,
 * with outcome `shard-ended`, `lease-lost` or `requested`. It reads, de-aggregates, skips
 * what the checkpoint already covers, numbers records with the process-wide dense ordinal,
 * applies back-pressure on unacknowledged records, and checkpoints the contiguous acked
 * prefix by count and interval, at SHARD_END (after every record is acked) and on a
 * requested shutdown. Invariant: after `lease-lost` it writes nothing; a checkpoint never
 * passes an unacknowledged record.
 */
import type { ChildShard } from '@aws-sdk/client-kinesis';
import { PositionSet, type SourceRecord } from '../core/index.js';
import { CheckpointTracker } from './checkpoint-tracker.js';
import { deaggregate } from './deaggregate.js';
import {
  SENTINEL,
  isCheckpointed,
  isShardEnd,
  sentinel,
  type ExtendedSequenceNumber,
  type Lease,
} from './lease.js';
import {
  startingPosition,
  sleep,
  type ShardReader,
  type StartingPosition,
} from './shard-reader.js';

/** States of a shard consumer. */
export type ShardState =
  | 'waiting-on-parents'
  | 'initializing'
  | 'processing'
  | 'shutdown-requested'
  | 'shutting-down'
  | 'done';

/** How a shard consumer ended. */
export type ShardOutcome = 'shard-ended' | 'lease-lost' | 'requested';

/** A batch of user records of one shard, in shard order. */
export interface ShardBatch {
  readonly shardId: string;
  readonly records: readonly SourceRecord[];
  /** All positions of this batch, to ack in one call. */
  readonly positions: PositionSet;
  readonly millisBehindLatest?: number;
}

/** Named telemetry events of shard consumers. */
export type ShardEvent =
  | {
      readonly type: 'shard.state';
      readonly shardId: string;
      readonly state: ShardState;
      readonly outcome?: ShardOutcome;
    }
  | {
      readonly type: 'shard.delivered';
      readonly shardId: string;
      readonly count: number;
      readonly millisBehindLatest?: number;
    }
  | {
      readonly type: 'shard.checkpointed';
      readonly shardId: string;
      readonly checkpoint: ExtendedSequenceNumber;
    }
  | { readonly type: 'shard.error'; readonly shardId: string; readonly error: unknown };

/** What a shard consumer needs from its worker. */
export interface ShardConsumerDeps {
  readonly lease: Lease;
  readonly makeReader: (start: StartingPosition) => ShardReader;
  /** Latest views of the parent leases (strongly consistent reads). */
  readonly parentsDone: () => Promise<boolean>;
  readonly checkpoint: (cp: ExtendedSequenceNumber, children?: readonly string[]) => Promise<void>;
  readonly createChildLeases: (children: readonly ChildShard[]) => Promise<void>;
  /** Ends the lease after a requested shutdown: release it or complete a hand-off. */
  readonly relinquish: () => Promise<void>;
  /** Marks the lease finished (SHARD_END written). */
  readonly finished: () => void;
  /** Allocates the next dense ordinal of this shard in this process. */
  readonly nextOrdinal: () => number;
  /** Peeks at the next ordinal without allocating. */
  readonly peekOrdinal: () => number;
  readonly emit: (batch: ShardBatch) => void;
  readonly onEvent: (event: ShardEvent) => void;
}

/** Tuning of a shard consumer. */
export interface ShardConsumerOptions {
  readonly maxUnacked: number;
  readonly checkpointEvery: number;
  readonly checkpointIntervalMs: number;
  readonly parentPollMs: number;
  readonly atTimestamp?: Date;
  readonly now: () => number;
}

/** Status of a shard, for health and metrics. */
export interface ShardStatus {
  readonly shardId: string;
  readonly state: ShardState;
  readonly outcome?: ShardOutcome;
  readonly unacked: number;
  readonly delivered: number;
  readonly millisBehindLatest?: number;
  readonly lastReadAt?: number;
  readonly lastRecordAt?: number;
  readonly lastAckAt?: number;
  readonly lastCheckpointAt?: number;
}

/** One leased shard being processed. */
export class ShardConsumer {
  readonly shardId: string;
  private stateValue: ShardState = 'waiting-on-parents';
  private outcomeValue: ShardOutcome | undefined;
  private readonly abort = new AbortController();
  private tracker: CheckpointTracker | undefined;
  private waiters: (() => void)[] = [];
  private sinceCheckpoint = 0;
  private checkpointing: Promise<void> = Promise.resolve();
  private drainDeadline = Number.POSITIVE_INFINITY;
  private stats: Omit<ShardStatus, 'shardId' | 'state' | 'outcome' | 'unacked'> = { delivered: 0 };

  constructor(
    private readonly deps: ShardConsumerDeps,
    private readonly options: ShardConsumerOptions,
  ) {
    this.shardId = deps.lease.leaseKey;
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
    this.sinceCheckpoint += moved;
    if (this.sinceCheckpoint >= this.options.checkpointEvery) void this.checkpointNow();
    this.wake();
  }

  /** The lease is gone: stop at once, checkpoint nothing. */
  leaseLost(): void {
    if (this.stateValue === 'done') return;
    this.outcomeValue = 'lease-lost';
    this.abort.abort(new Error('lease lost'));
    this.wake();
  }

  /** Graceful stop (release or hand-off): stop reading, wait for acks until `deadline`. */
  requestShutdown(deadline: number): void {
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
    this.tracker = new CheckpointTracker(this.shardId, this.deps.peekOrdinal());
    if (isShardEnd(lease)) {
      this.outcomeValue = 'shard-ended';
      return;
    }
    const reader = this.deps.makeReader(
      startingPosition(lease.checkpoint, this.options.atTimestamp),
    );
    this.set('processing');
    try {
      while (!signal.aborted) {
        while (this.tracker.unacked >= this.options.maxUnacked && !signal.aborted)
          await this.changed();
        if (signal.aborted) return;
        const result = await reader.read(signal);
        const now = this.options.now();
        this.stats = {
          ...this.stats,
          lastReadAt: now,
          ...(result.millisBehindLatest !== undefined
            ? { millisBehindLatest: result.millisBehindLatest }
            : {}),
        };
        const records: SourceRecord[] = [];
        for (const record of result.records) {
          for (const user of deaggregate(record)) {
            if (isCheckpointed(user, lease.checkpoint)) continue; // restart inside an aggregate
            const ordinal = this.deps.nextOrdinal();
            this.tracker.delivered(ordinal, {
              sequenceNumber: user.sequenceNumber,
              subSequenceNumber: user.subSequenceNumber,
            });
            records.push({
              position: {
                shardId: this.shardId,
                sequenceNumber: user.sequenceNumber,
                subSequenceNumber: user.subSequenceNumber,
                ordinal,
              },
              partitionKey: user.partitionKey,
              data: user.data,
              approximateArrivalTimestamp: user.approximateArrivalTimestamp,
              ...(user.explicitHashKey ? { explicitHashKey: user.explicitHashKey } : {}),
            });
          }
        }
        if (records.length > 0) {
          const first = (records[0] as SourceRecord).position.ordinal;
          this.stats = {
            ...this.stats,
            lastRecordAt: now,
            delivered: (this.stats.delivered ?? 0) + records.length,
          };
          this.deps.emit({
            shardId: this.shardId,
            records,
            positions: PositionSet.range(this.shardId, first, first + records.length - 1),
            ...(result.millisBehindLatest !== undefined
              ? { millisBehindLatest: result.millisBehindLatest }
              : {}),
          });
          this.deps.onEvent({
            type: 'shard.delivered',
            shardId: this.shardId,
            count: records.length,
            ...(result.millisBehindLatest !== undefined
              ? { millisBehindLatest: result.millisBehindLatest }
              : {}),
          });
        }
        if (result.shardEnd) {
          if (result.childShards?.length) await this.deps.createChildLeases(result.childShards);
          this.childShardIds = (result.childShards ?? []).map((c) => c.ShardId as string);
          this.outcomeValue = 'shard-ended';
          return;
        }
      }
    } finally {
      reader.close();
    }
  }

  private childShardIds: string[] = [];
  private finalWritten = false;

  private async shutDown(): Promise<void> {
    if (this.outcomeValue === 'lease-lost') return this.set('done');
    this.set('shutting-down');
    const tracker = this.tracker;
    if (this.outcomeValue === 'shard-ended') {
      // every record must be acked before SHARD_END is written (children wait for it)
      while (
        tracker &&
        tracker.unacked > 0 &&
        (this.outcomeValue as ShardOutcome) === 'shard-ended'
      )
        await this.changed();
      if ((this.outcomeValue as ShardOutcome) !== 'shard-ended') return this.shutDown();
      try {
        this.finalWritten = true;
        await this.checkpointing; // no earlier checkpoint may land after SHARD_END
        await this.writeCheckpoint(sentinel(SENTINEL.SHARD_END), this.childShardIds);
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
    if (this.outcomeValue === 'requested') {
      try {
        await this.checkpointNow();
        await this.deps.relinquish();
      } catch {
        this.outcomeValue = 'lease-lost';
      }
    }
    this.set('done');
  }

  /** Writes the contiguous acked prefix if it moved; serialized. */
  checkpointNow(): Promise<void> {
    this.checkpointing = this.checkpointing.then(async () => {
      const cp = this.tracker?.checkpointable();
      if (!cp || this.outcomeValue === 'lease-lost' || this.finalWritten) return;
      try {
        await this.writeCheckpoint(cp);
        this.tracker?.markCheckpointed(cp);
        this.sinceCheckpoint = 0;
      } catch (error) {
        this.deps.onEvent({ type: 'shard.error', shardId: this.shardId, error });
      }
    });
    return this.checkpointing;
  }

  private async writeCheckpoint(
    cp: ExtendedSequenceNumber,
    children: readonly string[] = [],
  ): Promise<void> {
    await this.deps.checkpoint(cp, children);
    this.stats = { ...this.stats, lastCheckpointAt: this.options.now() };
    this.deps.onEvent({ type: 'shard.checkpointed', shardId: this.shardId, checkpoint: cp });
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
