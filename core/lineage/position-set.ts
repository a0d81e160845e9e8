/**
 * @module core/lineage/position-set
 * An exact, immutable set of source positions, stored per shard as sorted, disjoint,
 * non-adjacent inclusive ordinal ranges `[from, to]`. Because ordinals are dense per shard
 * (see {@link Position}), the positions of a window's members or of a whole batch compact
 * into one or a few ranges, so carrying lineage costs O(ranges), not O(records).
 *
 * Invariant: for every shard the flat range list `[f0, t0, f1, t1, …]` satisfies
 * `fi <= ti` and `t(i) + 1 < f(i+1)`; no shard maps to an empty list. A `PositionSet` is
 * never mutated after construction; `PositionSetBuilder` (position-set-builder.ts) is the
 * clearly-owned mutable companion for hot loops.
 */
import type { Position } from './source-record.js';
import { checkOrdinal, mergeRanges, OneShard } from './ranges.js';
import { RangeAccumulator } from './range-accumulator.js';

/** An inclusive range of ordinals of one shard. */
export interface OrdinalRange {
  readonly from: number;
  readonly to: number;
}

/** The part of a {@link Position} a set needs: the consumer maps ordinals back to sequence numbers. */
export type PositionRef = Pick<Position, 'shardId' | 'ordinal'>;

/** The JSON form of a set: shard id → list of `[from, to]` pairs. */
export type PositionSetJson = Readonly<Record<string, ReadonlyArray<readonly [number, number]>>>;

/** @internal Access to a set's ranges for the builder's allocation-free paths; not re-exported. */
export let rangesOf: (set: PositionSet) => ReadonlyMap<string, readonly number[]>;

/**
 * An immutable, exact set of source positions (shard id + ordinal), compacted into ranges.
 * Sinks acknowledge a `PositionSet` once the output that carries it is durable; the consumer
 * checkpoints over the contiguous acknowledged prefix of each shard.
 *
 * @example
 * ```ts
 * const a = PositionSet.range('shardId-0', 0, 9);
 * const b = PositionSet.of({ shardId: 'shardId-0', ordinal: 10 });
 * a.union(b).ranges('shardId-0'); // [{ from: 0, to: 10 }]
 * ```
 */
export class PositionSet implements Iterable<PositionRef> {
  /** The empty set (e.g. lineage of an imputed value that no record produced). */
  static readonly empty: PositionSet = new PositionSet(new Map());

  readonly #byShard: ReadonlyMap<string, readonly number[]>;
  #size = -1;

  static {
    rangesOf = (set) => set.#byShard;
  }

  private constructor(byShard: ReadonlyMap<string, readonly number[]>) {
    this.#byShard = byShard;
  }

  /** @internal Wraps already-valid range lists without copying (used by the builder). */
  static fromValidRanges(byShard: ReadonlyMap<string, readonly number[]>): PositionSet {
    if (byShard.size === 0) return PositionSet.empty;
    if (byShard.size === 1 && !(byShard instanceof OneShard)) {
      const [shardId, list] = byShard.entries().next().value as [string, readonly number[]];
      return new PositionSet(new OneShard(shardId, list));
    }
    return new PositionSet(byShard);
  }

  /**
   * The set holding exactly the given positions.
   * @example `PositionSet.of(record.position)`
   */
  static of(...positions: readonly PositionRef[]): PositionSet {
    if (positions.length === 1) {
      const p = positions[0] as PositionRef;
      return PositionSet.single(p.shardId, p.ordinal);
    }
    const acc = new RangeAccumulator();
    for (const p of positions) acc.add(p.shardId, p.ordinal);
    return PositionSet.fromValidRanges(acc.finish());
  }

  /**
   * The set holding one ordinal of one shard.
   * @example `PositionSet.single('shardId-0', 7).has('shardId-0', 7) // true`
   */
  static single(shardId: string, ordinal: number): PositionSet {
    checkOrdinal(ordinal);
    return new PositionSet(new OneShard(shardId, [ordinal, ordinal]));
  }

  /**
   * The set holding ordinals `from..to` (inclusive) of one shard.
   * @example `PositionSet.range('shardId-0', 0, 99).size // 100`
   */
  static range(shardId: string, from: number, to: number): PositionSet {
    checkOrdinal(from);
    checkOrdinal(to);
    if (to < from) throw new RangeError(`range end ${to} is before its start ${from}`);
    return new PositionSet(new OneShard(shardId, [from, to]));
  }

  /**
   * The union of any number of sets.
   * @example `PositionSet.unionAll(results.map((r) => r.positions))`
   */
  static unionAll(sets: Iterable<PositionSet>): PositionSet {
    const acc = new RangeAccumulator();
    for (const s of sets) acc.addRanges(s.#byShard);
    return PositionSet.fromValidRanges(acc.finish());
  }

  /**
   * Parses the JSON form produced by {@link PositionSet.toJSON}, validating every range.
   * @example `PositionSet.fromJSON({ 'shardId-0': [[0, 4]] })`
   */
  static fromJSON(json: PositionSetJson): PositionSet {
    const acc = new RangeAccumulator();
    for (const [shardId, ranges] of Object.entries(json)) {
      for (const [from, to] of ranges) acc.addRanges(PositionSet.range(shardId, from, to).#byShard);
    }
    return PositionSet.fromValidRanges(acc.finish());
  }

  /**
   * This set plus every position of `other`; returns `this` or `other` when nothing changes.
   * @example `window.positions.union(PositionSet.of(record.position))`
   */
  union(other: PositionSet): PositionSet {
    if (other.#byShard.size === 0) return this;
    if (this.#byShard.size === 0) return other;
    if (this.#byShard.size === 1 && other.#byShard.size === 1) {
      const [a, la] = this.#byShard.entries().next().value as [string, readonly number[]];
      const [b, lb] = other.#byShard.entries().next().value as [string, readonly number[]];
      if (a === b) return new PositionSet(new OneShard(a, mergeRanges(la, lb)));
    }
    const merged = new Map(this.#byShard);
    for (const [shardId, ranges] of other.#byShard) {
      const mine = merged.get(shardId);
      merged.set(shardId, mine === undefined ? ranges : mergeRanges(mine, ranges));
    }
    return new PositionSet(merged);
  }

  /**
   * This set plus one position.
   * @example `PositionSet.empty.add('shardId-0', 3).size // 1`
   */
  add(shardId: string, ordinal: number): PositionSet {
    return this.union(PositionSet.single(shardId, ordinal));
  }

  /**
   * Whether the set holds `ordinal` of `shardId` (binary search over the ranges).
   * @example `set.has('shardId-0', 42)`
   */
  has(shardId: string, ordinal: number): boolean {
    const list = this.#byShard.get(shardId);
    if (list === undefined) return false;
    let lo = 0;
    let hi = list.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const from = list[2 * mid] as number;
      const to = list[2 * mid + 1] as number;
      if (ordinal < from) hi = mid - 1;
      else if (ordinal > to) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** How many positions the set holds. @example `PositionSet.range('s', 5, 9).size // 5` */
  get size(): number {
    if (this.#size < 0) {
      let n = 0;
      for (const list of this.#byShard.values()) {
        for (let i = 0; i < list.length; i += 2)
          n += (list[i + 1] as number) - (list[i] as number) + 1;
      }
      this.#size = n;
    }
    return this.#size;
  }

  /** True when the set holds nothing. @example `PositionSet.empty.isEmpty // true` */
  get isEmpty(): boolean {
    return this.#byShard.size === 0;
  }

  /** The shards with at least one position, sorted. @example `set.shards() // ['shardId-0']` */
  shards(): string[] {
    return [...this.#byShard.keys()].sort();
  }

  /**
   * The ranges of one shard in ascending order (empty when the shard is absent).
   * @example `set.ranges('shardId-0') // [{ from: 0, to: 9 }, { from: 12, to: 12 }]`
   */
  ranges(shardId: string): OrdinalRange[] {
    const list = this.#byShard.get(shardId) ?? [];
    const out: OrdinalRange[] = [];
    for (let i = 0; i < list.length; i += 2) {
      out.push({ from: list[i] as number, to: list[i + 1] as number });
    }
    return out;
  }

  /**
   * Every ordinal of one shard in ascending order.
   * @example `[...PositionSet.range('s', 1, 3).ordinals('s')] // [1, 2, 3]`
   */
  *ordinals(shardId: string): IterableIterator<number> {
    const list = this.#byShard.get(shardId) ?? [];
    for (let i = 0; i < list.length; i += 2) {
      for (let o = list[i] as number; o <= (list[i + 1] as number); o++) yield o;
    }
  }

  /** Every position, shard by shard (sorted), ordinals ascending. @example `[...set]` */
  *[Symbol.iterator](): IterableIterator<PositionRef> {
    for (const shardId of this.shards()) {
      for (const ordinal of this.ordinals(shardId)) yield { shardId, ordinal };
    }
  }

  /** Whether both sets hold exactly the same positions. @example `a.union(b).equals(b.union(a))` */
  equals(other: PositionSet): boolean {
    if (this.#byShard.size !== other.#byShard.size) return false;
    for (const [shardId, list] of this.#byShard) {
      const theirs = other.#byShard.get(shardId);
      if (theirs === undefined || theirs.length !== list.length) return false;
      for (let i = 0; i < list.length; i++) if (list[i] !== theirs[i]) return false;
    }
    return true;
  }

  /** The JSON form: shard id → `[from, to]` pairs, shards sorted. @example `JSON.stringify(set)` */
  toJSON(): PositionSetJson {
    const out: Record<string, Array<[number, number]>> = {};
    for (const shardId of this.shards()) {
      out[shardId] = this.ranges(shardId).map((r) => [r.from, r.to]);
    }
    return out;
  }

  /** A compact human-readable form, e.g. `shardId-0:[0-9,12]`. */
  toString(): string {
    return this.shards()
      .map(
        (s) =>
          `${s}:[${this.ranges(s)
            .map((r) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`))
            .join(',')}]`,
      )
      .join(' ');
  }
}
