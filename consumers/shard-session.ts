/**
 * @module consumers/shard-session
 * The processor's view of one shard lease, as the KCL's record processor sees it: the
 * session starts once the shard may be read (parents finished), delivers the shard's
 * batches in order, and ends with a reason — `shardEnded` (the last record was delivered;
 * the processor must make everything durable and commit `final`, which writes SHARD_END
 * and lets the children start), `shutdownRequested` (release or hand-off: commit what is
 * durable, then the lease goes), or `leaseLost` (another worker owns it: drop everything,
 * commit nothing). A commit acknowledges every delivered record up to an ordinal and names
 * the state snapshot that goes with that checkpoint, written to the lease in one write.
 */
import { Subject, type Observable } from 'rxjs';
import type { Lease } from './lease.js';
import type { ShardBatch, ShardOutcome } from './shard-consumer.js';

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

/** The session reason of a shard consumer's outcome. */
export function endReason(outcome: ShardOutcome | undefined): SessionEndReason {
  if (outcome === 'shard-ended') return 'shardEnded';
  if (outcome === 'lease-lost') return 'leaseLost';
  return 'shutdownRequested';
}

/**
 * The producing side of a {@link ShardSession}, owned by its shard consumer: delivers
 * batches while open and ends the session once with a reason.
 */
export class SessionChannel {
  private readonly subject = new Subject<ShardBatch>();
  private resolveEnded: (reason: SessionEndReason) => void = () => {};
  private open = true;
  /** The session handed to the processor. */
  readonly session: ShardSession;

  constructor(
    lease: Lease,
    parentLeases: () => Promise<Lease[]>,
    commit: (c: SessionCommit) => Promise<boolean>,
  ) {
    const ended = new Promise<SessionEndReason>((r) => (this.resolveEnded = r));
    this.session = {
      shardId: lease.leaseKey,
      lease,
      records: this.subject.asObservable(),
      ended,
      parentLeases,
      commit,
    };
  }

  /** Delivers a batch (ignored once ended). */
  deliver(batch: ShardBatch): void {
    if (this.open) this.subject.next(batch);
  }

  /** Ends the session (first call wins). */
  end(reason: SessionEndReason): void {
    if (!this.open) return;
    this.open = false;
    this.subject.complete();
    this.resolveEnded(reason);
  }
}
