/**
 * @module consumers/shard-types
 * The vocabulary of a shard consumer (`shard-consumer.ts`): its states and outcomes, the
 * batches it delivers, its telemetry events, what it needs from its worker, its tuning and
 * its status — kept apart so the state machine's file holds only the machine.
 */
import type { ChildShard } from '@aws-sdk/client-kinesis';
import type { PositionSet, SourceRecord } from '../core/index.js';
import type { ExtendedSequenceNumber, Lease } from './lease.js';
import type { ShardReader, StartingPosition } from './shard-reader.js';
import type { Observable } from 'rxjs';

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
  readonly checkpoint: (
    cp: ExtendedSequenceNumber,
    children?: readonly string[],
    stateRef?: string,
  ) => Promise<void>;
  /** The parents' leases as they are now (for a session's processor). */
  readonly parentLeases?: () => Promise<Lease[]>;
  /** Receives the session once the shard may be read (with `sessionCommits`). */
  readonly sessionStarted?: (session: ShardSession) => void;
  readonly createChildLeases: (children: readonly ChildShard[]) => Promise<void>;
  /** Ends the lease after a requested shutdown: release it or complete a hand-off. */
  readonly relinquish: () => Promise<void>;
  /** Marks the lease finished (SHARD_END written). */
  readonly finished: () => void;
  /**
   * Allocates the next `count` dense ordinals of this shard in this process (once per read,
   * not per record); returns the first.
   */
  readonly takeOrdinals: (count: number) => number;
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
  /** The processor commits through a {@link ShardSession} (see module doc); default false. */
  readonly sessionCommits?: boolean;
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

/** Why a session ended (KCL: shardEnded, leaseLost, shutdownRequested). */
export type SessionEndReason = 'shardEnded' | 'leaseLost' | 'shutdownRequested';

/** What a processor commits. */
export interface SessionCommit {
  /** Every delivered record with an ordinal ≤ this is processed and its results durable. */
  readonly upTo?: number;
  /** Reference of the state snapshot consistent with that position (stored on the lease). */
  readonly state?: string;
  /** After `shardEnded`: the shard is completely processed — write SHARD_END. */
  readonly final?: boolean;
}

/** One lease's session. */
export interface ShardSession {
  readonly shardId: string;
  /** The lease as taken: checkpoint, state reference, parents, hash key range. */
  readonly lease: Lease;
  /** The shard's batches in order; completes when the session ends. */
  readonly records: Observable<ShardBatch>;
  /** Resolves with the reason once the session ended (before the lease is relinquished). */
  readonly ended: Promise<SessionEndReason>;
  /** The parents' leases as they are now (finished: their final state references). */
  parentLeases(): Promise<Lease[]>;
  /**
   * Acknowledges and checkpoints (see {@link SessionCommit}); resolves true once the lease
   * names `state` (a `final` commit resolves false at once: SHARD_END follows); rejects if
   * the lease is lost or the session over.
   */
  commit(commit: SessionCommit): Promise<boolean>;
}
