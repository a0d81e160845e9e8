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
import { Subject } from 'rxjs';
import type { Lease } from './lease.js';
import type {
  SessionCommit,
  SessionEndReason,
  ShardBatch,
  ShardOutcome,
  ShardSession,
} from './shard-types.js';

export type { SessionCommit, SessionEndReason, ShardSession } from './shard-types.js';

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
