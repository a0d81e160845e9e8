/**
 * @module consumers/lease-coordinator
 * Runs the lease protocol for one worker (KCL `LeaseCoordinator`): renews held leases every
 * `failoverTimeMs / 3`, and every `takeIntervalMs` reads the table and applies the pure
 * {@link decideAssignment} (take expired, steal for balance by graceful hand-off, claim
 * hand-offs). All writes for one lease are serialized, so the counter it holds is always
 * the last one it wrote. Invariant: a lease is reported `acquired` once and, after that,
 * exactly one of `lost`, `handoffRequested` or a release ends it; a failed conditional
 * write (or no successful renewal for a failover period) means lost. Every call of the
 * periodic cycles is retried on a throttle, 5xx or network error (`lease-retry.ts`): a
 * renewal until the next renewal tick or the lease's expiry, a scan and its takes and
 * steals until the next take cycle; a failed condition never. Each retry is reported as a
 * `call.retried` event (never a failed cycle, so health stays green).
 */
import { ConfigError } from '../core/index.js';
import type { ExtendedSequenceNumber, Lease } from './lease.js';
import { decideAssignment } from './lease-assignment.js';
import type { LeaseCoordinatorOptions, LeaseOperation } from './lease-coordinator-types.js';
import { LeaseLostError } from './lease-refresher.js';
import { periodic } from './lease-cycles.js';
import { leaseBackoff, leaseCaller, renewDeadline, renewalLanded } from './lease-retry.js';
import type { LeaseCaller } from './lease-retry.js';

/** Waits `ms` without keeping the process alive (a stopped worker exits at once). */
const unrefSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref());

export type {
  CoordinatorEvent,
  CoordinatorListener,
  LeaseCoordinatorOptions,
  LeaseOperation,
} from './lease-coordinator-types.js';

/** One worker's side of the lease protocol. */
export class LeaseCoordinator {
  private readonly o: Required<Omit<LeaseCoordinatorOptions, 'maxLeasesForWorker'>> & {
    maxLeasesForWorker?: number;
  };
  /** Leases we process, with the last counter we wrote or saw. */
  private readonly held = new Map<string, { lease: Lease; renewedAt: number }>();
  /** Leases we gave away and still may checkpoint (we are `checkpointOwner`). */
  private readonly handingOff = new Map<string, Lease>();
  private readonly observed = new Map<string, { counter: number; at: number }>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private snapshot: Lease[] = [];
  private timers: NodeJS.Timeout[] = [];
  private taking = false;
  private running = false;
  private readonly renewIntervalMs: number;
  /** Runs one lease call, retried until a deadline while a condition holds (`lease-retry`). */
  private readonly again: LeaseCaller;

  constructor(options: LeaseCoordinatorOptions) {
    const { failoverTimeMs } = options;
    if (!options.workerId) throw new ConfigError('workerId', 'is required');
    if (!(failoverTimeMs > 0)) {
      throw new ConfigError('failoverTimeMs', 'must be positive');
    }
    this.o = {
      takeIntervalMs: failoverTimeMs,
      handoffTimeoutMs: failoverTimeMs,
      maxStealsPerCycle: 1,
      now: Date.now,
      random: Math.random,
      sleep: unrefSleep,
      onEvent: () => {},
      ...options,
    };
    this.renewIntervalMs = Math.max(1, Math.floor(failoverTimeMs / 3));
    this.again = leaseCaller({ ...this.o, backoff: leaseBackoff(this.renewIntervalMs) });
  }

  /** This worker's id. */
  get workerId(): string {
    return this.o.workerId;
  }

  /** Keys of the leases currently held. */
  heldKeys(): string[] {
    return [...this.held.keys()].sort();
  }

  /** The lease table as of the last cycle (for parent checks and discovery). */
  lastSnapshot(): readonly Lease[] {
    return this.snapshot;
  }

  /** Starts renewing and taking. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.taking = true;
    const cycle = {
      onError: (error: unknown) => this.o.onEvent({ type: 'cycle.failed', error }),
      active: () => this.running,
    };
    // a renewal tick that came while renewals were still retrying runs as soon as they end
    // (skipped, it would delay the other leases' renewals by a whole interval)
    const renew = periodic(this.renewIntervalMs, () => this.renewAll(), {
      ...cycle,
      catchUp: true,
    });
    const take = periodic(this.o.takeIntervalMs, () => this.takeCycle(), {
      ...cycle,
      catchUp: false,
    });
    this.timers.push(renew.timer, take.timer);
    take.run();
  }

  /** Stops taking new leases (SIGTERM); renewals go on until {@link stop}. */
  stopTaking(): void {
    this.taking = false;
  }

  /** Stops all timers. Leases not released stay until they expire. */
  stop(): void {
    this.taking = false;
    this.running = false;
    for (const t of this.timers.splice(0)) clearInterval(t);
  }

  /** One take cycle: read the table, decide, act. Exposed for tests and the worker. */
  async takeCycle(): Promise<void> {
    const { refresher, workerId } = this.o;
    // every call of the cycle is retried until the next cycle, only while taking
    const until = this.o.now() + this.o.takeIntervalMs;
    const again = <T>(op: LeaseOperation, call: () => Promise<T>) =>
      this.again(op, call, until, () => this.taking);
    const leases = await again('scan', () => refresher.listLeases());
    const now = this.o.now();
    this.snapshot = leases;
    const views = leases.map((lease) => {
      const seen = this.observed.get(lease.leaseKey);
      const changed = !seen || seen.counter !== lease.leaseCounter;
      const at = changed ? now : seen.at;
      this.observed.set(lease.leaseKey, { counter: lease.leaseCounter, at });
      return { lease, lastChangeAt: at };
    });
    if (!this.taking) return;
    const decision = decideAssignment(
      { workerId: this.o.workerId, now, leases: views, held: new Set(this.held.keys()) },
      {
        failoverTimeMs: this.o.failoverTimeMs,
        handoffTimeoutMs: this.o.handoffTimeoutMs,
        maxStealsPerCycle: this.o.maxStealsPerCycle,
        random: this.o.random,
        ...(this.o.maxLeasesForWorker ? { maxLeasesForWorker: this.o.maxLeasesForWorker } : {}),
      },
    );
    for (const lease of [...decision.take, ...decision.claim]) {
      const claimed = lease.leaseOwner === this.o.workerId;
      try {
        // a take whose earlier attempt landed fails its condition: the next cycle claims it
        const taken = await again('take', () => refresher.takeLease(lease, workerId));
        this.held.set(taken.leaseKey, { lease: taken, renewedAt: this.o.now() });
        this.o.onEvent({
          type: claimed ? 'lease.claimed' : 'lease.taken',
          leaseKey: taken.leaseKey,
          ...(lease.leaseOwner && !claimed ? { from: lease.leaseOwner } : {}),
        });
        this.o.listener.acquired(taken);
      } catch (error) {
        if (!(error instanceof LeaseLostError)) throw error;
      }
    }
    for (const lease of decision.steal) {
      try {
        await again('steal', () => refresher.initiateHandoff(lease, workerId));
        this.o.onEvent({
          type: 'lease.steal-started',
          leaseKey: lease.leaseKey,
          from: lease.leaseOwner ?? '',
        });
      } catch (error) {
        if (!(error instanceof LeaseLostError)) throw error;
      }
    }
  }

  /** Renews every held lease; reports losses and hand-off requests. */
  async renewAll(): Promise<void> {
    const startedAt = this.o.now();
    const { renewIntervalMs: intervalMs, o } = this;
    await Promise.all(
      [...this.held.keys()].map((key) =>
        this.serial(key, async () => {
          const entry = this.held.get(key);
          if (!entry) return;
          const { failoverTimeMs } = o;
          const until = renewDeadline({ startedAt, intervalMs, failoverTimeMs, ...entry });
          try {
            const renew = () => o.refresher.renewLease(entry.lease, o.workerId);
            const lease = await this.again('renew', renew, until, () => this.running);
            this.held.set(key, { lease, renewedAt: o.now() });
          } catch (error) {
            if (error instanceof LeaseLostError) return this.onConditionFailed(key, entry.lease);
            if (this.o.now() - entry.renewedAt > this.o.failoverTimeMs) this.drop(key);
            throw error;
          }
        }),
      ),
    );
  }

  /**
   * Writes a checkpoint for a held (or handing-off) lease, serialized with renewals.
   * Throws {@link LeaseLostError} (and reports the loss) if the lease is no longer ours.
   */
  checkpoint(
    leaseKey: string,
    checkpoint: ExtendedSequenceNumber,
    childShardIds: readonly string[] = [],
    stateRef?: string,
  ): Promise<void> {
    return this.serial(leaseKey, async () => {
      const handing = this.handingOff.get(leaseKey);
      const lease = handing ?? this.held.get(leaseKey)?.lease;
      if (!lease) throw new LeaseLostError(leaseKey, 'checkpoint (not held)');
      try {
        const next = await this.o.refresher.updateCheckpoint(
          lease,
          this.o.workerId,
          checkpoint,
          childShardIds,
          stateRef,
        );
        if (handing) this.handingOff.set(leaseKey, next);
        else this.held.set(leaseKey, { lease: next, renewedAt: this.o.now() });
      } catch (error) {
        if (error instanceof LeaseLostError) {
          if (handing) this.handingOff.delete(leaseKey);
          else await this.onConditionFailed(leaseKey);
        }
        throw error;
      }
    });
  }

  /** Finishes a hand-off after the final checkpoint, so the new owner starts at once. */
  completeHandoff(leaseKey: string): Promise<void> {
    return this.serial(leaseKey, async () => {
      const lease = this.handingOff.get(leaseKey);
      this.handingOff.delete(leaseKey);
      if (!lease) return;
      try {
        await this.o.refresher.completeHandoff(lease, this.o.workerId);
        this.o.onEvent({ type: 'handoff.completed', leaseKey });
      } catch (error) {
        if (!(error instanceof LeaseLostError)) throw error;
      }
    });
  }

  /** Releases a held lease (after its final checkpoint) so another worker takes it at once. */
  release(leaseKey: string): Promise<void> {
    return this.serial(leaseKey, async () => {
      const entry = this.held.get(leaseKey);
      this.held.delete(leaseKey);
      if (!entry) return;
      try {
        await this.o.refresher.evictLease(entry.lease, this.o.workerId);
        this.o.onEvent({ type: 'lease.released', leaseKey });
      } catch (error) {
        if (!(error instanceof LeaseLostError)) throw error;
      }
    });
  }

  /** A held lease's shard is finished; stop renewing it but keep it owned (KCL). */
  finished(leaseKey: string): void {
    this.held.delete(leaseKey);
  }

  /**
   * A conditional write on a held lease failed: reads the lease (retried until the next
   * renewal tick) to tell a hand-off to us from a loss — or, after a renewal of `renewed`,
   * that renewal's own earlier attempt having landed, in which case the lease stays held.
   */
  private async onConditionFailed(key: string, renewed?: Lease): Promise<void> {
    const until = this.o.now() + this.renewIntervalMs;
    const current = await this.again(
      'get',
      () => this.o.refresher.getLease(key),
      until,
      () => this.running,
    ).catch(() => undefined);
    if (renewed && current && renewalLanded(renewed, current, this.o.workerId)) {
      this.held.set(key, { lease: current, renewedAt: this.o.now() });
      return;
    }
    this.held.delete(key);
    if (current && current.checkpointOwner === this.o.workerId) {
      this.handingOff.set(key, current);
      this.o.onEvent({ type: 'handoff.requested', leaseKey: key });
      this.o.listener.handoffRequested(key);
    } else {
      this.o.onEvent({ type: 'lease.lost', leaseKey: key });
      this.o.listener.lost(key);
    }
  }

  private drop(key: string): void {
    this.held.delete(key);
    this.o.onEvent({ type: 'lease.lost', leaseKey: key });
    this.o.listener.lost(key);
  }

  private serial<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(key) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    this.queues.set(
      key,
      next.catch(() => undefined),
    );
    return next;
  }
}
