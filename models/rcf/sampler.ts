/**
 * @module models/rcf/sampler
 * The time-decayed weighted reservoir of one tree: each arriving point gets the key
 * `log(-log u) - timeDecay · sequence` and the reservoir keeps the `capacity` smallest
 * keys (exponentially time-biased sampling, as in AWS's randomcutforest samplers). A
 * max-heap on the key makes "accept and evict the largest" O(log capacity).
 * Invariant: `size ≤ capacity` and the heap property holds over `keys[0 … size)`.
 */
import type { Prng } from '../../core/index.js';
import { f64, i32 } from './typed.js';

/** Result of offering a point: whether it was accepted and which point it evicted (-1: none). */
export interface Offer {
  accepted: boolean;
  evicted: number;
}

/** The result of every offer (one object per process, not per sampler: offers never nest). */
const RESULT: Offer = { accepted: false, evicted: -1 };

/** A weighted reservoir of point references. */
export class Sampler {
  /** Keys and refs of `[base, base + capacity)` (a forest's samplers share two arrays). */
  private readonly k: Float64Array;
  private readonly r: Int32Array;
  size = 0;

  constructor(
    readonly capacity: number,
    readonly timeDecay: number,
    private readonly random: Prng,
    keys?: Float64Array,
    refs?: Int32Array,
    size?: number,
    private readonly base = 0,
  ) {
    if (keys && refs) {
      this.k = keys;
      this.r = refs;
    } else {
      // fresh: both arrays on one buffer
      const buffer = new ArrayBuffer(12 * capacity);
      this.k = new Float64Array(buffer, 0, capacity);
      this.r = new Int32Array(buffer, 8 * capacity, capacity);
    }
    this.size = size ?? 0;
  }

  /** The heap keys (a new view: for serialization, not hot paths). */
  get keys(): Float64Array {
    return this.k.subarray(this.base, this.base + this.capacity);
  }

  /** The point references of the heap entries (a new view, as {@link keys}). */
  get refs(): Int32Array {
    return this.r.subarray(this.base, this.base + this.capacity);
  }

  /**
   * Offers point `ref` arriving at `sequence`. The returned object is shared by all
   * samplers and reused between calls: read it before offering again.
   */
  offer(ref: number, sequence: number): Offer {
    const key = Math.log(-Math.log(this.random.nextOpen())) - this.timeDecay * sequence;
    const out = RESULT;
    if (this.size < this.capacity) {
      this.siftUp(this.size, key, ref);
      this.size += 1;
      out.accepted = true;
      out.evicted = -1;
      return out;
    }
    if (key >= f64(this.k, this.base)) {
      out.accepted = false;
      out.evicted = -1;
      return out;
    }
    out.accepted = true;
    out.evicted = i32(this.r, this.base);
    this.siftDown(0, key, ref);
    return out;
  }

  /** Bytes held by the typed arrays. */
  byteSize(): number {
    return 12 * this.capacity;
  }

  private siftUp(start: number, key: number, ref: number): void {
    const keys = this.k;
    const refs = this.r;
    const o = this.base;
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

  private siftDown(start: number, key: number, ref: number): void {
    const keys = this.k;
    const refs = this.r;
    const o = this.base;
    const n = this.size;
    let i = start;
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
