/**
 * @module consumers/lease-retry
 * How the lease coordinator retries its periodic DynamoDB calls (renew, scan, take, steal),
 * as the KCL's renewer and taker retry throttled calls: through the one `core/retry`, on the
 * errors `adapters/aws-errors` calls transient (throttling, 5xx, network), within a time
 * budget. A retry is made only if even its longest back-off ends before the budget's
 * deadline — for a renewal, the next renewal tick or the lease's local expiry, whichever
 * comes first, so no renewal is retried past the point where the lease would have expired.
 * A failed condition ({@link LeaseLostError}: lost lease, taken or stolen by another) is
 * never retried. Each retry is told before its back-off as the coordinator event
 * `call.retried` (operation, AWS error code), which the worker counts in
 * `shardflow_consumer_lease_call_retries_total`. The decisions are pure; time, randomness
 * and waiting are injected.
 */
import { awsErrorCode, isRetriableAwsError } from '../adapters/index.js';
import { backoffDelay, retry, type BackoffOptions } from '../core/index.js';
import type { Lease } from './lease.js';
import type { CoordinatorEvent, LeaseOperation } from './lease-coordinator-types.js';
import { LeaseLostError } from './lease-refresher.js';

/** Retries of one call at most, whatever the budget (a frozen clock must not loop forever). */
export const MAX_LEASE_RETRIES = 8;

/** What bounds and drives the retrying of one lease call. */
export interface LeaseRetryPolicy {
  /** No retry whose longest back-off would end after this time (epoch ms, by `now`). */
  readonly deadline: number;
  /** While false (coordinator stopped, or no longer taking), nothing is retried. */
  readonly alive: () => boolean;
  readonly now: () => number;
  /** Uniform in [0, 1): the jitter. */
  readonly random: () => number;
  /** Waits the given milliseconds. */
  readonly sleep: (ms: number) => Promise<void>;
  readonly backoff: BackoffOptions;
  /** Told before each back-off (telemetry: the coordinator's `call.retried`). */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/**
 * Whether a lease call that failed with `error` on `attempt` (0-based) is tried again:
 * the error is transient (never a failed condition), the policy is alive, and the longest
 * back-off before the retry ends by the deadline. Pure given `policy.now`.
 */
export function shouldRetryLeaseCall(
  error: unknown,
  attempt: number,
  policy: Pick<LeaseRetryPolicy, 'deadline' | 'alive' | 'now' | 'backoff'>,
): boolean {
  if (error instanceof LeaseLostError || !isRetriableAwsError(error)) return false;
  if (attempt >= MAX_LEASE_RETRIES || !policy.alive()) return false;
  return policy.now() + backoffDelay(attempt, 1, policy.backoff) <= policy.deadline;
}

/**
 * The deadline of a renewal's retries: the next renewal tick (`startedAt + intervalMs`) or
 * the lease's local expiry (`renewedAt + failoverTimeMs`), whichever comes first.
 */
export function renewDeadline(t: {
  readonly startedAt: number;
  readonly renewedAt: number;
  readonly intervalMs: number;
  readonly failoverTimeMs: number;
}): number {
  return Math.min(t.startedAt + t.intervalMs, t.renewedAt + t.failoverTimeMs);
}

/**
 * Back-off of the coordinator's retries: the core defaults (100 ms, doubling), with a first
 * delay of at most a tenth of the renewal interval, so a renewal gets several tries before
 * the next tick also at short failover times.
 */
export function leaseBackoff(renewIntervalMs: number): BackoffOptions {
  return { initialDelayMs: Math.max(1, Math.min(100, Math.floor(renewIntervalMs / 10))) };
}

/**
 * True if a renewal that failed its condition had in fact landed (an earlier attempt whose
 * answer was lost — a network reset — then a retry seeing its own write): the lease is ours,
 * one counter past the one we held, and not in hand-off. The KCL's renewer makes the same
 * check; only our own serialized writes make that state.
 */
export function renewalLanded(held: Lease, current: Lease | undefined, owner: string): boolean {
  return (
    current !== undefined &&
    current.leaseOwner === owner &&
    current.leaseCounter === held.leaseCounter + 1 &&
    current.checkpointOwner === undefined
  );
}

/**
 * Runs one lease call through `core/retry` under `policy` (see {@link shouldRetryLeaseCall});
 * a policy that stops being alive during a back-off ends the retrying with the last error.
 */
export function retryLeaseCall<T>(call: () => Promise<T>, policy: LeaseRetryPolicy): Promise<T> {
  let last: unknown;
  return retry(
    async (attempt) => {
      if (attempt > 0 && !policy.alive()) throw last;
      try {
        return await call();
      } catch (error) {
        last = error;
        throw error;
      }
    },
    {
      ...policy.backoff,
      retries: MAX_LEASE_RETRIES,
      random: policy.random,
      sleep: policy.sleep,
      onRetry: policy.onRetry,
      shouldRetry: (error, attempt) => shouldRetryLeaseCall(error, attempt, policy),
    },
  );
}

/** Runs lease call `operation`, retried until `deadline` while `alive` holds. */
export type LeaseCaller = <T>(
  operation: LeaseOperation,
  call: () => Promise<T>,
  deadline: number,
  alive: () => boolean,
) => Promise<T>;

/**
 * The coordinator's way of running a lease call: {@link retryLeaseCall} with its clock,
 * randomness, sleep and back-off, until `deadline` while `alive` holds, each retry told to
 * `onEvent` as `call.retried` with the operation and the AWS error code.
 */
export function leaseCaller(
  o: Pick<LeaseRetryPolicy, 'now' | 'random' | 'sleep' | 'backoff'> & {
    readonly onEvent: (event: CoordinatorEvent) => void;
  },
): LeaseCaller {
  const { now, random, sleep, backoff, onEvent } = o;
  return (operation, call, deadline, alive) =>
    retryLeaseCall(call, {
      deadline,
      alive,
      now,
      random,
      sleep,
      backoff,
      onRetry: (error, attempt, delayMs) =>
        onEvent({ type: 'call.retried', operation, attempt, delayMs, reason: awsErrorCode(error) }),
    });
}
