/**
 * @module consumers/lease-assignment
 * The lease-taking decision as a pure function of a lease-table snapshot, what this worker
 * holds, and the clock (KCL `DynamoDBLeaseTaker`). Expiry is local, as in the KCL: a lease
 * is expired when this worker has not seen its counter change for `failoverTimeMs`, so no
 * clocks are compared across machines. Invariants: a worker never plans to hold more than
 * `target = min(ceil(leases / live workers), maxLeasesForWorker)`; it steals only when no
 * expired lease is available, at most `maxStealsPerCycle` per cycle, only from the most
 * loaded worker, never a lease already in hand-off; finished (`SHARD_END`) leases are
 * neither counted nor taken.
 */
import { ConfigError } from '../core/index.js';
import { isShardEnd, type Lease } from './lease.js';

/** A lease as this worker observed it. */
export interface LeaseView {
  readonly lease: Lease;
  /** Local time when this worker last saw the lease's counter change (or first saw it). */
  readonly lastChangeAt: number;
}

/** What the decision needs to know. */
export interface AssignmentInput {
  readonly workerId: string;
  readonly now: number;
  readonly leases: readonly LeaseView[];
  /** Lease keys this worker currently processes (holds with a known counter). */
  readonly held: ReadonlySet<string>;
}

/** Tuning of the decision. */
export interface AssignmentOptions {
  /** A lease whose counter did not change for this long is expired (KCL failoverTimeMillis). */
  readonly failoverTimeMs: number;
  /** Never hold more than this many leases. Default unlimited. */
  readonly maxLeasesForWorker?: number;
  /** At most this many steals per cycle (KCL maxLeasesToStealAtOneTime). Default 1. */
  readonly maxStealsPerCycle?: number;
  /** A hand-off to us not completed within this long is claimed anyway. */
  readonly handoffTimeoutMs: number;
  /** Uniform draw in [0, 1), to spread racing workers over different leases. */
  readonly random?: () => number;
}

/** The actions for this cycle. */
export interface AssignmentDecision {
  /** Expired or unowned leases to take (conditional on the counter seen). */
  readonly take: readonly Lease[];
  /** Leases to steal from the most loaded worker by graceful hand-off. */
  readonly steal: readonly Lease[];
  /** Leases assigned to us (hand-off finished or timed out) that we do not process yet. */
  readonly claim: readonly Lease[];
  /** The per-worker target used. */
  readonly target: number;
  /** Live workers counted (owners of unexpired leases, plus us). */
  readonly workers: number;
}

/** Decides which leases to take, steal and claim this cycle. Pure. */
export function decideAssignment(
  input: AssignmentInput,
  options: AssignmentOptions,
): AssignmentDecision {
  const {
    failoverTimeMs,
    maxLeasesForWorker = Number.POSITIVE_INFINITY,
    maxStealsPerCycle = 1,
    handoffTimeoutMs,
    random = Math.random,
  } = options;
  if (!(failoverTimeMs > 0) || !(maxLeasesForWorker >= 1) || !(maxStealsPerCycle >= 0)) {
    throw new ConfigError(
      'leaseAssignment',
      'failoverTimeMs must be positive, maxLeasesForWorker ≥ 1, maxStealsPerCycle ≥ 0',
    );
  }
  const { workerId: me, now, held } = input;
  const active = input.leases.filter((v) => !isShardEnd(v.lease));
  const expired = (v: LeaseView) =>
    !held.has(v.lease.leaseKey) &&
    (v.lease.leaseOwner === undefined || now - v.lastChangeAt > failoverTimeMs);

  const claim = active
    .filter(
      (v) =>
        v.lease.leaseOwner === me &&
        !held.has(v.lease.leaseKey) &&
        !expired(v) &&
        (v.lease.checkpointOwner === undefined || now - v.lastChangeAt > handoffTimeoutMs),
    )
    .map((v) => v.lease);

  const counts = new Map<string, LeaseView[]>([[me, []]]);
  for (const v of active) {
    if (expired(v)) continue;
    const owner = held.has(v.lease.leaseKey) ? me : (v.lease.leaseOwner as string);
    counts.set(owner, [...(counts.get(owner) ?? []), v]);
  }
  const workers = counts.size;
  const target = Math.min(Math.ceil(active.length / workers), maxLeasesForWorker);
  const mine = counts.get(me)?.length ?? 0;
  const needed = target - mine;
  if (needed <= 0) return { take: [], steal: [], claim, target, workers };

  const available = shuffle(
    active.filter((v) => expired(v)),
    random,
  );
  if (available.length > 0) {
    const take = available.slice(0, needed).map((v) => v.lease);
    return { take, steal: [], claim, target, workers };
  }

  let most: [string, LeaseView[]] | undefined;
  for (const entry of [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (entry[0] !== me && (!most || entry[1].length > most[1].length)) most = entry;
  }
  if (!most) return { take: [], steal: [], claim, target, workers };
  const excess = most[1].length - target;
  const count =
    excess > 0
      ? Math.min(needed, excess, maxStealsPerCycle)
      : excess === 0 && needed > 1
        ? Math.min(1, maxStealsPerCycle)
        : 0;
  const stealable = shuffle(
    most[1].filter((v) => v.lease.checkpointOwner === undefined),
    random,
  );
  const steal = stealable.slice(0, count).map((v) => v.lease);
  return { take: [], steal, claim, target, workers };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}
