/**
 * @module pipelines/runtime/ack-ledger
 * The ack join of a pipeline. Source positions are grouped into {@link Claim}s (the records
 * of one window, one dead letter, one skipped record). A result item *holds* every claim its
 * outputs depend on — its own window and, for stateful models, the windows in its look-back —
 * and the item that last needs a claim *closes* it. Invariant: a claim's positions are acked
 * exactly once, and only when it is closed AND every item that held it is durable in every
 * sink. Holds are registered when an item is created (upstream of any asynchronous stage), so
 * reordering between creation and the sinks can never ack a claim early.
 */
import type { PositionSet } from '../../core/index.js';

/** A group of source positions acknowledged together. Compared by identity. */
export class Claim {
  /** @param positions the source positions this claim stands for */
  constructor(readonly positions: PositionSet) {}
}

interface ClaimState {
  holders: number;
  closed: boolean;
}

/** Counts of the ledger, for tests and metrics. */
export interface LedgerStats {
  /** Claims not yet acknowledged. */
  readonly open: number;
  /** Claims acknowledged so far. */
  readonly acked: number;
}

/**
 * Reference counts per claim. `hold` when an item is created, `close` when no later item
 * will hold the claim, `release` when a holding item became durable.
 *
 * @example
 * ```ts
 * const ledger = new AckLedger((p) => consumer.ack(p));
 * ledger.hold([c]); ledger.close([c]);   // item created, last user of c
 * ledger.release([c]);                   // item durable → consumer.ack(c.positions)
 * ```
 */
export class AckLedger {
  private readonly claims = new Map<Claim, ClaimState>();
  private ackedCount = 0;

  /** @param ack receives the positions of each claim once it is safe to acknowledge */
  constructor(private readonly ack: (positions: PositionSet) => void) {}

  /** An item holding `claims` was created. */
  hold(claims: readonly Claim[]): void {
    for (const c of claims) {
      const s = this.claims.get(c);
      if (s) s.holders += 1;
      else this.claims.set(c, { holders: 1, closed: false });
    }
  }

  /** No item created from now on holds `claims` (claims never held are ignored). */
  close(claims: readonly Claim[]): void {
    for (const c of claims) {
      const s = this.claims.get(c);
      if (!s) continue; // never held, or forgotten (its shard's chain was abandoned)
      s.closed = true;
      this.settle(c);
    }
  }

  /** An item holding `claims` is durable in every sink it goes to (forgotten claims are ignored). */
  release(claims: readonly Claim[]): void {
    for (const c of claims) {
      const s = this.claims.get(c);
      if (!s || s.holders <= 0) continue; // forgotten (its shard's chain was abandoned)
      s.holders -= 1;
      this.settle(c);
    }
  }

  /** Forgets every claim whose positions lie only in `shardId` (its chain was abandoned). */
  forgetShard(shardId: string): void {
    for (const c of [...this.claims.keys()]) {
      const shards = c.positions.shards();
      if (shards.length === 1 && shards[0] === shardId) this.claims.delete(c);
    }
  }

  /** Current counts. */
  stats(): LedgerStats {
    return { open: this.claims.size, acked: this.ackedCount };
  }

  private settle(c: Claim): void {
    const s = this.claims.get(c);
    if (!s || !s.closed || s.holders > 0) return;
    this.claims.delete(c);
    this.ackedCount += 1;
    if (!c.positions.isEmpty) this.ack(c.positions);
  }
}
