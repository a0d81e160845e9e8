/**
 * @module consumers/consume-types
 * The contract of `consume()`: its options (retrieval, checkpointing, lease and stall
 * tuning), its telemetry events, and the {@link Consumer} handle it returns — apart from the
 * wiring, so the worker, its HTTP face and the metrics can name them without the machinery.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Observable } from 'rxjs';
import type { PositionSet } from '../core/index.js';
import type { ExtendedSequenceNumber } from './lease.js';
import type { CoordinatorEvent } from './lease-coordinator.js';
import type { ShardBatch, ShardEvent, ShardStatus } from './shard-consumer.js';
import type { ShardSession } from './shard-session.js';
import type { InitialPosition } from './shard-sync.js';

/** How records are retrieved: polling GetRecords, or an enhanced fan-out consumer by name. */
export type Retrieval =
  | {
      readonly type: 'polling';
      readonly limit?: number;
      readonly idleTimeMs?: number;
      /** Least ms between two `GetRecords` on a shard; default 200 (5 per second). */
      readonly minCallIntervalMs?: number;
    }
  | { readonly type: 'fanout'; readonly consumerName: string };

/** Named telemetry events of a consumer. */
export type ConsumerEvent =
  | ShardEvent
  | { readonly type: 'coordinator'; readonly event: CoordinatorEvent }
  | {
      readonly type: 'shard.stalled';
      readonly shardId: string;
      readonly reason: 'no-reads' | 'no-acks';
      readonly sinceMs: number;
    }
  | { readonly type: 'sync.failed'; readonly error: unknown };

/** Options of `consume()` (consume.ts). */
export interface ConsumeOptions {
  readonly kinesis: KinesisClient;
  readonly dynamodb: DynamoDBClient;
  readonly streamName: string;
  readonly leaseTableName: string;
  readonly workerId: string;
  /** KCL failoverTimeMillis; default 10 s. */
  readonly failoverTimeMs?: number;
  readonly initialPosition?: InitialPosition;
  readonly retrieval?: Retrieval;
  /** A shard stops fetching while this many records are unacknowledged; default 10,000. */
  readonly maxUnackedPerShard?: number;
  /** Checkpoint after this many newly acked records; default 1,000. */
  readonly checkpointEvery?: number;
  /** Checkpoint at least this often when acks moved; default 5 s. */
  readonly checkpointIntervalMs?: number;
  /** ListShards sync period; default 30 s. */
  readonly shardSyncIntervalMs?: number;
  /** Take cycle period; default failoverTimeMs. */
  readonly takeIntervalMs?: number;
  readonly handoffTimeoutMs?: number;
  readonly maxLeasesForWorker?: number;
  readonly maxStealsPerCycle?: number;
  /** Warn when a processing shard had no successful read, or no ack progress, for this long; default 60 s. */
  readonly stallAfterMs?: number;
  /** Creates the lease table if missing; default true. */
  readonly createLeaseTable?: boolean;
  readonly onEvent?: (event: ConsumerEvent) => void;
  readonly now?: () => number;
}

/** A running (once subscribed) consumer worker. */
export interface Consumer {
  /** Per-shard batches; subscribe once. Completes after {@link Consumer.shutdown}. */
  readonly batches: Observable<ShardBatch>;
  /**
   * One {@link ShardSession} per lease, for processors that commit state with their
   * checkpoints (then SHARD_END waits for the session's final commit, not for every ack).
   * Subscribe once, instead of relying on {@link Consumer.ack}. Completes after shutdown.
   */
  readonly sessions: Observable<ShardSession>;
  /** Acknowledges positions (any shards, any order): their results are durable. */
  ack(positions: PositionSet): void;
  /** Graceful stop: drain until `deadlineMs` from now, checkpoint, release leases. */
  shutdown(deadlineMs?: number): Promise<void>;
  /** Status of every shard session of this worker. */
  shards(): ShardStatus[];
  /** Lease keys held now. */
  heldLeases(): string[];
  /**
   * The Kinesis position (sequence and sub-sequence number) of a delivered, not yet
   * checkpointed record, by its ordinal — to name a dead letter's source record.
   */
  positionOf(shardId: string, ordinal: number): ExtendedSequenceNumber | undefined;
}
