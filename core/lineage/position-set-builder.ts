/**
 * @module core/lineage/position-set-builder
 * The mutable, clearly-owned companion of {@link PositionSet}: an accumulator one operator
 * state (e.g. one open window) owns until it freezes it with `build()`.
 */
import { checkOrdinal, insertOrdinal, mergeRanges, OneShard } from './ranges.js';
import { PositionSet, rangesOf } from './position-set.js';

/**
 * A mutable accumulator of positions owned by exactly one operator state (e.g. one open
 * window). Appending ordinals in delivery order is O(1); {@link PositionSetBuilder.build}
 * hands its storage to an immutable {@link PositionSet}, after which the builder refuses
 * further changes.
 *
 * @example
 * ```ts
 * const b = new PositionSetBuilder();
 * for (const r of records) b.add(r.position.shardId, r.position.ordinal);
 * const positions = b.build();
 * ```
 */
export class PositionSetBuilder {
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

  /** Adds one position. @example `builder.add('shardId-0', 17)` */
  add(shardId: string, ordinal: number): this {
    checkOrdinal(ordinal);
    const list = this.#listFor(shardId);
    if (list === undefined) this.#put(shardId, [ordinal, ordinal]);
    else insertOrdinal(list, ordinal);
    return this;
  }

  /** Adds every position of `set`. @example `builder.addSet(traced.positions)` */
  addSet(set: PositionSet): this {
    for (const [shardId, theirs] of rangesOf(set)) {
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
    return this;
  }

  /** Whether nothing was added yet. */
  get isEmpty(): boolean {
    if (this.#spent) throw new Error('PositionSetBuilder used after build()');
    return this.#shard === undefined;
  }

  /** Freezes the accumulated positions into a {@link PositionSet}; the builder is spent. */
  build(): PositionSet {
    if (this.#spent) throw new Error('PositionSetBuilder used after build()');
    this.#spent = true;
    if (this.#shard === undefined) return PositionSet.empty;
    if (this.#more === undefined)
      return PositionSet.fromValidRanges(new OneShard(this.#shard, this.#list as number[]));
    this.#more.set(this.#shard, this.#list as number[]);
    return PositionSet.fromValidRanges(this.#more);
  }
}
