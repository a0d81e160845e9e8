/**
 * @module models/rcf/point-store
 * The points of a forest, stored once and shared by all trees (a tree's leaf and a sampler
 * entry hold a reference count on a point). Coordinates are float32, as in AWS's
 * implementation, which halves memory and makes "the same point" an exact comparison.
 * A point is an offset into one value array, so a shingled stream stores each new input
 * once: when a point's first `dimensions − baseDimensions` values equal the last stored
 * point's last ones (the shingle moved by one input), only the new `baseDimensions` values
 * are appended and the point starts `baseDimensions` after its predecessor. Values of freed
 * points are reclaimed by compaction when the array is full. Without shingling
 * (`baseDimensions = dimensions`) index i simply owns the slot at i · dimensions.
 * Invariants: a point index is reused only after its reference count returned to zero;
 * compaction moves values but never changes a live point's coordinates.
 */
import { at, f32, i32 } from './typed.js';

/** Reference-counted storage of fixed-dimension float32 points sharing shingle overlaps. */
export class PointStore {
  /** Values; a point's coordinates are `data[loc[i] … loc[i] + dimensions)`. */
  data: Float32Array;
  /** Offset of each point index in `data`; for a free index, −2 − the next free index. */
  loc: Int32Array;
  /** Reference count per point index. */
  refs: Int32Array;
  /** First free point index (−1: none below `used`). */
  freeHead = -1;
  /** Point indices ever handed out (high-water mark). */
  used = 0;
  /** Values in use at the front of `data`. */
  end = 0;
  /** Offset of the last added point (−1 after a compaction dropped it). */
  lastLoc = -1;

  /**
   * @param dimensions values per point
   * @param baseDimensions values one input adds to a shingled point (= dimensions: no sharing)
   * @param capacity point indices to allocate up front (grows by a quarter when full)
   */
  constructor(
    readonly dimensions: number,
    readonly baseDimensions: number,
    capacity: number,
  ) {
    const n = Math.max(4, capacity);
    this.data = new Float32Array(n * baseDimensions + dimensions - baseDimensions);
    this.loc = new Int32Array(n);
    this.refs = new Int32Array(n);
  }

  /** Offset in `data` of point `i`'s first coordinate. */
  offset(i: number): number {
    return i32(this.loc, i);
  }

  /** Stores `point` (rounded to float32) under a fresh index with reference count 0. */
  add(point: ArrayLike<number>): number {
    const dim = this.dimensions;
    if (this.baseDimensions === dim) {
      // whole points: index i owns the slot at i · dim, reused when the index is
      const i = this.takeIndex();
      this.write(point, i * dim, 0);
      this.end = Math.max(this.end, (i + 1) * dim);
      return i;
    }
    let shared = this.overlap(point);
    if (this.end + dim - shared > this.data.length) {
      this.compact();
      shared = this.overlap(point);
      if (this.end + dim - shared > this.data.length) this.growData(dim - shared);
    }
    const start = shared > 0 ? this.lastLoc + this.baseDimensions : this.end;
    this.write(point, start, shared);
    this.end = start + dim;
    this.lastLoc = start;
    return this.takeIndex(start);
  }

  /** Adds a reference to point `i`. */
  retain(i: number): void {
    this.refs[i] = i32(this.refs, i) + 1;
  }

  /** Drops a reference to point `i`; frees the index when none remain. */
  release(i: number): void {
    const left = i32(this.refs, i) - 1;
    this.refs[i] = left;
    if (left <= 0) this.drop(i);
  }

  /** Frees point `i` if nothing references it (a point no tree accepted). */
  releaseIfUnused(i: number): void {
    if (i32(this.refs, i) <= 0) this.drop(i);
  }

  /** Live points (reference count > 0). */
  livePoints(): number {
    let n = 0;
    for (let i = 0; i < this.used; i += 1) if (i32(this.refs, i) > 0) n += 1;
    return n;
  }

  /** Bytes held by the typed arrays. */
  byteSize(): number {
    return this.data.byteLength + this.loc.byteLength + this.refs.byteLength;
  }

  /** Values of `point` already at the end of `data` as the last point's shingle tail. */
  private overlap(point: ArrayLike<number>): number {
    const shared = this.dimensions - this.baseDimensions;
    const last = this.lastLoc;
    if (shared <= 0 || last < 0 || last + this.dimensions !== this.end) return 0;
    const data = this.data;
    const from = last + this.baseDimensions;
    for (let k = 0; k < shared; k += 1) {
      if (f32(data, from + k) !== Math.fround(at(point, k))) return 0;
    }
    return shared;
  }

  /** Writes `point[from …]` at `data[start + from …]`. */
  private write(point: ArrayLike<number>, start: number, from: number): void {
    for (let k = from; k < this.dimensions; k += 1) this.data[start + k] = at(point, k);
  }

  /** A free index (or a new one) for a point at `start` (default: its own slot). */
  private takeIndex(start?: number): number {
    let i = this.freeHead;
    if (i >= 0) {
      this.freeHead = -2 - i32(this.loc, i);
    } else {
      if (this.used === this.loc.length) this.growIndices();
      i = this.used;
      this.used += 1;
    }
    this.loc[i] = start ?? i * this.dimensions;
    this.refs[i] = 0;
    return i;
  }

  private drop(i: number): void {
    this.refs[i] = 0;
    this.loc[i] = -2 - this.freeHead;
    this.freeHead = i;
  }

  /** Moves the live points' values to the front of `data`, keeping shared overlaps shared. */
  private compact(): void {
    const dim = this.dimensions;
    const loc = this.loc;
    const live = new Int32Array(this.livePoints());
    for (let i = 0, n = 0; i < this.used; i += 1) if (i32(this.refs, i) > 0) live[n++] = i;
    live.sort((a, b) => i32(loc, a) - i32(loc, b));
    const lastLoc = this.lastLoc;
    let newLast = -1;
    let out = 0;
    let j = 0;
    while (j < live.length) {
      // a run: points whose value ranges overlap or touch, copied as one block
      const runStart = i32(loc, i32(live, j));
      let runEnd = runStart + dim;
      let k = j + 1;
      while (k < live.length && i32(loc, i32(live, k)) <= runEnd) {
        runEnd = Math.max(runEnd, i32(loc, i32(live, k)) + dim);
        k += 1;
      }
      this.data.copyWithin(out, runStart, runEnd);
      for (let m = j; m < k; m += 1) {
        const i = i32(live, m);
        const moved = out + (i32(loc, i) - runStart);
        if (loc[i] === lastLoc) newLast = moved;
        loc[i] = moved;
      }
      out += runEnd - runStart;
      j = k;
    }
    this.end = out;
    this.lastLoc = newLast;
    // leave room for a quarter more values than live, so compaction stays amortized O(1)
    if (this.data.length - out < Math.ceil(out / 4)) this.growData(Math.ceil(out / 4));
  }

  private growData(extra: number): void {
    const grown = Math.max(this.data.length + extra, Math.ceil(this.data.length * 1.25));
    const data = new Float32Array(grown);
    data.set(this.data.subarray(0, this.end));
    this.data = data;
  }

  private growIndices(): void {
    const n = Math.ceil(this.loc.length * 1.25);
    const loc = new Int32Array(n);
    loc.set(this.loc);
    const refs = new Int32Array(n);
    refs.set(this.refs);
    this.loc = loc;
    this.refs = refs;
    if (this.baseDimensions === this.dimensions)
      this.growData(n * this.dimensions - this.data.length);
  }
}
