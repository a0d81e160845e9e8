/**
 * @module models/rcf/point-store
 * The points of a forest, stored once and shared by all trees (a tree's leaf and a
 * sampler entry hold a reference count on a point). Coordinates are float32, as in AWS's
 * implementation, which halves memory and makes "the same point" an exact comparison.
 * Invariant: a slot is reused only after its reference count returned to zero.
 */

/** Reference-counted, growable storage of fixed-dimension float32 points. */
export class PointStore {
  /** Coordinates, `dimensions` per slot; replaced (never mutated in place) when growing. */
  data: Float32Array;
  /** Reference count per slot. */
  refs: Int32Array;
  /** Stack of free slots, `freeCount` deep. */
  free: Int32Array;
  freeCount: number;
  /** Slots ever handed out (high-water mark). */
  used: number;

  constructor(
    readonly dimensions: number,
    capacity: number,
  ) {
    this.data = new Float32Array(capacity * dimensions);
    this.refs = new Int32Array(capacity);
    this.free = new Int32Array(capacity);
    this.freeCount = 0;
    this.used = 0;
  }

  /** Stores `point` (rounded to float32) in a fresh slot with reference count 0. */
  add(point: ArrayLike<number>): number {
    let slot: number;
    if (this.freeCount > 0) {
      this.freeCount -= 1;
      slot = this.free[this.freeCount] as number;
    } else {
      if (this.used === this.refs.length) this.grow();
      slot = this.used;
      this.used += 1;
    }
    const dim = this.dimensions;
    const base = slot * dim;
    for (let k = 0; k < dim; k += 1) this.data[base + k] = point[k] as number;
    this.refs[slot] = 0;
    return slot;
  }

  /** Adds a reference to `slot`. */
  retain(slot: number): void {
    this.refs[slot] = (this.refs[slot] as number) + 1;
  }

  /** Drops a reference to `slot`; frees it when none remain. */
  release(slot: number): void {
    const left = (this.refs[slot] as number) - 1;
    this.refs[slot] = left;
    if (left <= 0) this.drop(slot);
  }

  /** Frees `slot` if nothing references it (a point no tree accepted). */
  releaseIfUnused(slot: number): void {
    if ((this.refs[slot] as number) <= 0) this.drop(slot);
  }

  /** Bytes held by the typed arrays. */
  byteSize(): number {
    return this.data.byteLength + this.refs.byteLength + this.free.byteLength;
  }

  private drop(slot: number): void {
    this.refs[slot] = 0;
    this.free[this.freeCount] = slot;
    this.freeCount += 1;
  }

  private grow(): void {
    const capacity = Math.max(16, this.refs.length * 2);
    const data = new Float32Array(capacity * this.dimensions);
    data.set(this.data);
    const refs = new Int32Array(capacity);
    refs.set(this.refs);
    const free = new Int32Array(capacity);
    free.set(this.free.subarray(0, this.freeCount));
    this.data = data;
    this.refs = refs;
    this.free = free;
  }
}
