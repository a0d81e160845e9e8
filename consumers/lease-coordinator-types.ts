/**
 * @module consumers/lease-coordinator-types
 * The face of the lease coordinator (`lease-coordinator.ts`): its options, what it tells
 * the shard consumers, and its telemetry events.
 */
import type { Lease } from './lease.js';
import type { LeaseRefresher } from './lease-refresher.js';

/** The coordinator's DynamoDB lease calls that are retried (`lease-retry.ts`). */
export type LeaseOperation = 'renew' | 'scan' | 'take' | 'steal' | 'get';

/**
 * Named telemetry events of the coordinator. `call.retried` comes before each back-off of a
 * lease call (a throttled or failing lease table shows before any cycle fails); `reason` is
 * the AWS error code, as in the sinks' `sink.retry`.
 */
export type CoordinatorEvent =
  | {
      readonly type: 'lease.taken' | 'lease.claimed';
      readonly leaseKey: string;
      readonly from?: string;
    }
  | { readonly type: 'lease.steal-started'; readonly leaseKey: string; readonly from: string }
  | { readonly type: 'lease.lost' | 'lease.released'; readonly leaseKey: string }
  | { readonly type: 'handoff.requested' | 'handoff.completed'; readonly leaseKey: string }
  | {
      readonly type: 'call.retried';
      readonly operation: LeaseOperation;
      /** 0-based attempt that failed. */
      readonly attempt: number;
      readonly delayMs: number;
      readonly reason: string;
    }
  | { readonly type: 'cycle.failed'; readonly error: unknown };

/** What the coordinator tells the shard consumers. */
export interface CoordinatorListener {
  /** The lease is ours: start processing from `lease.checkpoint`. */
  acquired(lease: Lease): void;
  /** The lease is gone: stop at once, write no checkpoint. */
  lost(leaseKey: string): void;
  /** Another worker stole it gracefully: finish, checkpoint, then call `completeHandoff`. */
  handoffRequested(leaseKey: string): void;
}

/** Options of {@link LeaseCoordinator}. */
export interface LeaseCoordinatorOptions {
  readonly refresher: LeaseRefresher;
  readonly workerId: string;
  readonly listener: CoordinatorListener;
  readonly failoverTimeMs: number;
  /** Between take cycles; default `failoverTimeMs`. */
  readonly takeIntervalMs?: number;
  /** How long a new owner waits for a graceful hand-off; default `failoverTimeMs`. */
  readonly handoffTimeoutMs?: number;
  readonly maxLeasesForWorker?: number;
  readonly maxStealsPerCycle?: number;
  readonly now?: () => number;
  /** Shuffles racing takes and jitters retries. */
  readonly random?: () => number;
  /** Waits between retries; injected for exact tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onEvent?: (event: CoordinatorEvent) => void;
}
