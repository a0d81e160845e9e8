/**
 * @module consumers/checkpoint-tracker
 * Per-shard acknowledgement tracking (pure): records are registered in delivery order with
 * their dense ordinals, acks arrive in any order as {@link PositionSet}s, and the
 * checkpointable position is the last record of the contiguous acknowledged prefix.
 * Invariant: the checkpoint never passes a record that is not acknowledged; acks for
 * ordinals outside this tracker's session (older leases, other shards) are ignored.
 */
import { PositionSet } from '../core/index.js';
import type { ExtendedSequenceNumber } from './lease.js';

/** Tracks delivered and acknowledged records of one shard for one lease session. */
export class CheckpointTracker {
  /** Ordinal of the first record not yet known to be acked (the frontier). */
  private frontier: number;
  /** Next ordinal expected from delivery. */
  private next: number;
  /** Positions of delivered ordinals `frontier .. next-1`, from `head` (shared, not copied). */
  private positions: ExtendedSequenceNumber[] = [];
  private head = 0;
  private ahead = PositionSet.empty;
  private lastAckedPosition: ExtendedSequenceNumber | undefined;
  private checkpointed: ExtendedSequenceNumber | undefined;

  constructor(
    readonly shardId: string,
    firstOrdinal: number,
  ) {
    this.frontier = firstOrdinal;
    this.next = firstOrdinal;
  }

  /** Registers the next delivered record; ordinals must be consecutive. */
  delivered(ordinal: number, position: ExtendedSequenceNumber): void {
    if (ordinal !== this.next)
      throw new RangeError(`expected ordinal ${this.next}, got ${ordinal}`);
    this.positions.push(position);
    this.next += 1;
  }

  /**
   * Registers a delivered batch at once (its records' own position objects are kept, none
   * is made per record); ordinals must continue where the last delivery ended.
   */
  deliveredAll(
    records: readonly {
      readonly position: ExtendedSequenceNumber & { readonly ordinal: number };
    }[],
  ): void {
    const first = records[0];
    if (!first) return;
    if (first.position.ordinal !== this.next)
      throw new RangeError(`expected ordinal ${this.next}, got ${first.position.ordinal}`);
    for (const r of records) this.positions.push(r.position);
    this.next += records.length;
  }

  /** Applies acks (any shards, any order). Returns how many records the frontier moved. */
  ack(positions: PositionSet): number {
    const mine = positions
      .ranges(this.shardId)
      .filter((r) => r.to >= this.frontier && r.from < this.next);
    if (mine.length === 0) return 0;
    for (const r of mine) {
      this.ahead = this.ahead.union(
        PositionSet.range(
          this.shardId,
          Math.max(r.from, this.frontier),
          Math.min(r.to, this.next - 1),
        ),
      );
    }
    const first = this.ahead.ranges(this.shardId)[0];
    if (!first || first.from > this.frontier) return 0;
    const moved = first.to + 1 - this.frontier;
    this.head += moved;
    this.lastAckedPosition = plain(this.positions[this.head - 1]);
    this.frontier = first.to + 1;
    const rest = this.ahead.ranges(this.shardId).slice(1);
    this.ahead = PositionSet.unionAll(
      rest.map((x) => PositionSet.range(this.shardId, x.from, x.to)),
    );
    if (this.head > 1024 && this.head * 2 > this.positions.length) {
      this.positions = this.positions.slice(this.head);
      this.head = 0;
    }
    return moved;
  }

  /** Delivered records not yet covered by the contiguous acked prefix. */
  get unacked(): number {
    return this.next - this.frontier;
  }

  /**
   * The sequence position of a delivered ordinal not yet passed by the acked prefix, e.g. to
   * name a dead letter's source record; `undefined` outside this session's window.
   */
  positionOf(ordinal: number): ExtendedSequenceNumber | undefined {
    if (ordinal < this.frontier || ordinal >= this.next) return undefined;
    return plain(this.positions[this.head + ordinal - this.frontier]);
  }

  /** Next ordinal this tracker expects. */
  get nextOrdinal(): number {
    return this.next;
  }

  /** The position to checkpoint, if it moved since the last {@link markCheckpointed}. */
  checkpointable(): ExtendedSequenceNumber | undefined {
    const p = this.lastAckedPosition;
    const c = this.checkpointed;
    if (
      !p ||
      (c && c.sequenceNumber === p.sequenceNumber && c.subSequenceNumber === p.subSequenceNumber)
    ) {
      return undefined;
    }
    return p;
  }

  /** Records that `position` was written to the lease table. */
  markCheckpointed(position: ExtendedSequenceNumber): void {
    this.checkpointed = position;
  }
}

/** Just the sequence position (delivered positions carry shard id and ordinal too). */
function plain(p: ExtendedSequenceNumber | undefined): ExtendedSequenceNumber | undefined {
  return p && { sequenceNumber: p.sequenceNumber, subSequenceNumber: p.subSequenceNumber };
}
