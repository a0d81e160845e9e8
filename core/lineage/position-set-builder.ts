/**
 * @module core/lineage/position-set-builder
 * The mutable, clearly-owned companion of {@link PositionSet}: an accumulator one operator
 * state (e.g. one open window) owns until it freezes it with `build()`.
 */
import { PositionSet, rangesOf } from './position-set.js';
import { RangeAccumulator } from './range-accumulator.js';

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
  readonly #ranges = new RangeAccumulator();

  /** Adds one position. @example `builder.add('shardId-0', 17)` */
  add(shardId: string, ordinal: number): this {
    this.#ranges.add(shardId, ordinal);
    return this;
  }

  /** Adds every position of `set`. @example `builder.addSet(traced.positions)` */
  addSet(set: PositionSet): this {
    this.#ranges.addRanges(rangesOf(set));
    return this;
  }

  /** Whether nothing was added yet. */
  get isEmpty(): boolean {
    return this.#ranges.isEmpty;
  }

  /** Freezes the accumulated positions into a {@link PositionSet}; the builder is spent. */
  build(): PositionSet {
    return PositionSet.fromValidRanges(this.#ranges.finish());
  }
}
