/**
 * @module core/lineage/range-accumulator
 * The mutable range lists behind {@link PositionSetBuilder} and the set operations of
 * `PositionSet`: per shard, sorted disjoint non-adjacent `[from, to]` pairs grown in place.
 * Knows nothing of `PositionSet`, so the immutable set and its builder both build on it
 * without importing each other.
 */
import { checkOrdinal, insertOrdinal, mergeRanges, OneShard } from './ranges.js';

/**
 * Accumulates positions as per-shard range lists; {@link RangeAccumulator.finish} hands the
 * storage over (the accumulator is spent afterwards). Appending in delivery order is O(1).
 */
export class RangeAccumulator {
  // The first shard is held in fields; a Map appears only when a second shard does.
  #shard: string | undefined;
  #list: number[] | undefined;
  #more: Map<string, number[]> | undefined;
  #spent = false;

  #listFor(shardId: string): number[] | undefined {
    if (this.#spent) throw new Error('PositionSetBuilder used after build()');
    if (this.#shard === shardId) return this.#list;
    return this.#more?.get(shardId);
  }

  #put(shardId: string, list: number[]): void {
    if (this.#shard === undefined || this.#shard === shardId) {
      this.#shard = shardId;
      this.#list = list;
    } else {
      (this.#more ??= new Map()).set(shardId, list);
    }
  }

  /** Adds one position. */
  add(shardId: string, ordinal: number): void {
    checkOrdinal(ordinal);
    const list = this.#listFor(shardId);
    if (list === undefined) this.#put(shardId, [ordinal, ordinal]);
    else insertOrdinal(list, ordinal);
  }

  /** Adds valid range lists (those of a `PositionSet`), never mutating them. */
  addRanges(byShard: ReadonlyMap<string, readonly number[]>): void {
    // One shard (the common case, e.g. each record's own set): no iterator, no entry arrays.
    if (byShard instanceof OneShard) this.#addList(byShard.shardId, byShard.list);
    else for (const [shardId, theirs] of byShard) this.#addList(shardId, theirs);
  }

  #addList(shardId: string, theirs: readonly number[]): void {
    const mine = this.#listFor(shardId);
    if (mine === undefined) {
      this.#put(shardId, theirs.slice());
    } else if (theirs.length === 2 && (theirs[0] as number) > (mine[mine.length - 1] as number)) {
      // In-order fast path: one range after everything held.
      const from = theirs[0] as number;
      const to = theirs[1] as number;
      if (from === (mine[mine.length - 1] as number) + 1) mine[mine.length - 1] = to;
      else mine.push(from, to);
    } else {
      this.#put(shardId, mergeRanges(mine, theirs));
    }
  }

  /** Whether nothing was added yet. */
  get isEmpty(): boolean {
    if (this.#spent) throw new Error('PositionSetBuilder used after build()');
    return this.#shard === undefined;
  }

  /** The accumulated range lists (empty map if none); the accumulator is spent. */
  finish(): ReadonlyMap<string, readonly number[]> {
    if (this.#spent) throw new Error('PositionSetBuilder used after build()');
    this.#spent = true;
    if (this.#shard === undefined) return new Map();
    if (this.#more === undefined) return new OneShard(this.#shard, this.#list as number[]);
    this.#more.set(this.#shard, this.#list as number[]);
    return this.#more;
  }
}
