/**
 * @module models/rcf/sampler
 * The time-decayed weighted reservoirs of a forest's trees, one per tree: each arriving
 * point gets the key `log(-log u) - timeDecay · sequence` (u from the tree's generator) and
 * a reservoir keeps the `capacity` smallest keys (exponentially time-biased sampling, as in
 * AWS's randomcutforest samplers). A max-heap on the key makes "accept and evict the
 * largest" O(log capacity). All reservoirs live in three forest-level arrays, reservoir t
 * at `t · capacity` (no object per tree).
 * Invariant: `size(t) ≤ capacity` and the heap property holds over reservoir t's first
 * `size(t)` entries.
 */
import { sfc32NextOpen } from '../../core/index.js';
import { f64, i32 } from './typed.js';

/** What {@link Reservoirs.offer} returns for a point the reservoir did not take. */
export const REJECTED = -2;

/** The weighted reservoirs of point references of a forest's trees. */
export class Reservoirs {
  /** Heap keys and point references, reservoir t at `t · capacity`. */
  readonly keys: Float64Array;
  readonly refs: Int32Array;
  /** Entries per reservoir. */
  readonly sizes: Int32Array;

  /**
   * @param count reservoirs (trees)
   * @param words the trees' generator states, four words per tree (reservoir t draws from t's)
   */
  constructor(
    readonly count: number,
    readonly capacity: number,
    readonly timeDecay: number,
    private readonly words: Uint32Array,
  ) {
    const n = count * capacity;
    const buffer = new ArrayBuffer(12 * n + 4 * count);
    this.keys = new Float64Array(buffer, 0, n);
    this.refs = new Int32Array(buffer, 8 * n, n);
    this.sizes = new Int32Array(buffer, 12 * n, count);
  }

  /** Entries in reservoir t. */
  size(t: number): number {
    return i32(this.sizes, t);
  }

  /** Reservoir t's keys (a view: for serialization, not hot paths). */
  keysOf(t: number): Float64Array {
    return this.keys.subarray(t * this.capacity, (t + 1) * this.capacity);
  }

  /** Reservoir t's point references (a view, as {@link keysOf}). */
  refsOf(t: number): Int32Array {
    return this.refs.subarray(t * this.capacity, (t + 1) * this.capacity);
  }

  /**
   * Sets reservoir t to serialized state; false (nothing changed) if it does not fit: array
   * lengths, the size, or an entry's point reference not below `points` (the store's).
   */
  load(t: number, keys: Float64Array, refs: Int32Array, size: number, points: number): boolean {
    const c = this.capacity;
    if (keys.length !== c || refs.length !== c) return false;
    if (!(Number.isInteger(size) && size >= 0 && size <= c)) return false;
    for (let i = 0; i < size; i += 1)
      if (!(i32(refs, i) >= 0 && i32(refs, i) < points)) return false;
    this.keysOf(t).set(keys);
    this.refsOf(t).set(refs);
    this.sizes[t] = size;
    return true;
  }

  /**
   * Offers point `ref` arriving at `sequence` to reservoir t: {@link REJECTED}, −1 when
   * taken without eviction, else the evicted point's reference.
   */
  offer(t: number, ref: number, sequence: number): number {
    const u = sfc32NextOpen(this.words, 4 * t);
    const key = Math.log(-Math.log(u)) - this.timeDecay * sequence;
    const o = t * this.capacity;
    const size = i32(this.sizes, t);
    if (size < this.capacity) {
      this.siftUp(o, size, key, ref);
      this.sizes[t] = size + 1;
      return -1;
    }
    if (key >= f64(this.keys, o)) return REJECTED;
    const evicted = i32(this.refs, o);
    this.siftDown(o, size, key, ref);
    return evicted;
  }

  /** Bytes held by the typed arrays. */
  byteSize(): number {
    return this.keys.buffer.byteLength;
  }

  private siftUp(o: number, start: number, key: number, ref: number): void {
    const { keys, refs } = this;
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (f64(keys, o + parent) >= key) break;
      keys[o + i] = f64(keys, o + parent);
      refs[o + i] = i32(refs, o + parent);
      i = parent;
    }
    keys[o + i] = key;
    refs[o + i] = ref;
  }

  private siftDown(o: number, n: number, key: number, ref: number): void {
    const { keys, refs } = this;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && f64(keys, o + r) > f64(keys, o + l) ? r : l;
      if (f64(keys, o + c) <= key) break;
      keys[o + i] = f64(keys, o + c);
      refs[o + i] = i32(refs, o + c);
      i = c;
    }
    keys[o + i] = key;
    refs[o + i] = ref;
  }
}
