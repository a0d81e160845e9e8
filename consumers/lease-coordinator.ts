/**
 * @module consumers/lease-coordinator
 * Runs the lease protocol for one worker (KCL `LeaseCoordinator`): renews held leases every
 * `failoverTimeMs / 3`, and every `takeIntervalMs` reads the table and applies the pure
 * {@link decideAssignment} (take expired, steal for balance by graceful hand-off, claim
 * hand-offs). All writes for one lease are serialized, so the counter it holds is always
 * the last one it wrote. Invariant: a lease is reported `acquired` once and, after that,
 * exactly one of `lost`, `handoffRequested` or a release ends it; a failed conditional
 * write (or no successful renewal for a failover period) means lost.
 */
import { ConfigError } from '../core/index.js';
import type { ExtendedSequenceNumber, Lease } from './lease.js';
import { decideAssignment } from './lease-assignment.js';
import { LeaseLostError, type LeaseRefresher } from './lease-refresher.js';

/** Named telemetry events of the coordinator. */
export type CoordinatorEvent =
  | {
      readonly type: 'lease.taken' | 'lease.claimed';
      readonly leaseKey: string;
      readonly from?: string;
    }
  | { readonly type: 'lease.steal-started'; readonly leaseKey: string; readonly from: string }
  | { readonly type: 'lease.lost' | 'lease.released'; readonly leaseKey: string }
  | { readonly type: 'handoff.requested' | 'handoff.completed'; readonly leaseKey: string }
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
  readonly random?: () => number;
  readonly onEvent?: (event: CoordinatorEvent) => void;
}

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
      onEvent: () => {},
      ...options,
    };
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
    const every = (ms: number, fn: () => Promise<void>) => {
      let busy = false;
      const timer = setInterval(() => {
        if (busy) return;
        busy = true;
        fn()
          .catch((error: unknown) => this.o.onEvent({ type: 'cycle.failed', error }))
          .finally(() => (busy = false));
      }, ms);
      this.timers.push(timer);
    };
    every(Math.max(1, Math.floor(this.o.failoverTimeMs / 3)), () => this.renewAll());
    every(this.o.takeIntervalMs, () => this.takeCycle());
    void this.takeCycle().catch((error: unknown) =>
      this.o.onEvent({ type: 'cycle.failed', error }),
    );
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
    const leases = await this.o.refresher.listLeases();
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
        const taken = await this.o.refresher.takeLease(lease, this.o.workerId);
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
        await this.o.refresher.initiateHandoff(lease, this.o.workerId);
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
    await Promise.all(
      [...this.held.keys()].map((key) =>
        this.serial(key, async () => {
          const entry = this.held.get(key);
          if (!entry) return;
          try {
            const lease = await this.o.refresher.renewLease(entry.lease, this.o.workerId);
            this.held.set(key, { lease, renewedAt: this.o.now() });
          } catch (error) {
            if (error instanceof LeaseLostError) return this.onConditionFailed(key);
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

  private async onConditionFailed(key: string): Promise<void> {
    const current = await this.o.refresher.getLease(key).catch(() => undefined);
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
