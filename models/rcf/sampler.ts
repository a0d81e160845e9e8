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
  readonly keys: Float64Array;
  readonly refs: Int32Array;
  size = 0;

  constructor(
    readonly capacity: number,
    readonly timeDecay: number,
    private readonly random: Prng,
    keys?: Float64Array,
    refs?: Int32Array,
    size?: number,
  ) {
    if (keys && refs) {
      this.keys = keys;
      this.refs = refs;
    } else {
      // fresh: both arrays on one buffer
      const buffer = new ArrayBuffer(12 * capacity);
      this.keys = new Float64Array(buffer, 0, capacity);
      this.refs = new Int32Array(buffer, 8 * capacity, capacity);
    }
    this.size = size ?? 0;
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
    if (key >= f64(this.keys, 0)) {
      out.accepted = false;
      out.evicted = -1;
      return out;
    }
    out.accepted = true;
    out.evicted = i32(this.refs, 0);
    this.siftDown(0, key, ref);
    return out;
  }

  /** Bytes held by the typed arrays. */
  byteSize(): number {
    return this.keys.byteLength + this.refs.byteLength;
  }

  private siftUp(start: number, key: number, ref: number): void {
    const keys = this.keys;
    const refs = this.refs;
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (f64(keys, parent) >= key) break;
      keys[i] = f64(keys, parent);
      refs[i] = i32(refs, parent);
      i = parent;
    }
    keys[i] = key;
    refs[i] = ref;
  }

  private siftDown(start: number, key: number, ref: number): void {
    const keys = this.keys;
    const refs = this.refs;
    const n = this.size;
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && f64(keys, r) > f64(keys, l) ? r : l;
      if (f64(keys, c) <= key) break;
      keys[i] = f64(keys, c);
      refs[i] = i32(refs, c);
      i = c;
    }
    keys[i] = key;
    refs[i] = ref;
  }
}
