/**
 * @module models/rcf/tree-scratch
 * Working memory of tree operations, shared by every tree of the process (operations are
 * synchronous and never nested, so one set suffices): the descent path, a traversal stack,
 * box rows for the path and the attribution vector. Sized for the largest tree made so far,
 * so it is not part of any model's memory. Also {@link floatBelow}, the float32 rounding of
 * cut values.
 */
import { f32, i32 } from './typed.js';

/** Scratch arrays of tree operations (fields are replaced when a larger tree needs more). */
export interface BoxScratch {
  /** Internal nodes of the last descent, then its leaf. */
  path: Int32Array;
  /** Nodes still to visit when a box is computed from its subtree. */
  stack: Int32Array;
  /** One box being computed. */
  lo: Float32Array;
  hi: Float32Array;
  /** Boxes of the uncached nodes of an insertion path, one row per depth. */
  pathLo: Float32Array;
  pathHi: Float32Array;
  /** Attribution of one tree, high/low per dimension. */
  v: Float64Array;
  /** The last cut drawn. */
  cut: { d: number; c: number };
}

const scratch: BoxScratch = {
  path: new Int32Array(0),
  stack: new Int32Array(0),
  lo: new Float32Array(0),
  hi: new Float32Array(0),
  pathLo: new Float32Array(0),
  pathHi: new Float32Array(0),
  v: new Float64Array(0),
  cut: { d: -1, c: 0 },
};

/** The shared scratch, grown to serve a tree of `capacity` leaves in `dim` dimensions. */
export function boxScratch(capacity: number, dim: number): BoxScratch {
  const s = scratch;
  if (s.path.length < capacity + 1) s.path = new Int32Array(capacity + 1);
  if (s.stack.length < capacity + 2) s.stack = new Int32Array(capacity + 2);
  if (s.lo.length < dim) {
    s.lo = new Float32Array(dim);
    s.hi = new Float32Array(dim);
    s.v = new Float64Array(2 * dim);
  }
  if (s.pathLo.length < capacity * dim) {
    s.pathLo = new Float32Array(capacity * dim);
    s.pathHi = new Float32Array(capacity * dim);
  }
  return s;
}

const one = new Float32Array(1);
const bits = new Int32Array(one.buffer);

/**
 * The largest float32 ≤ `c`. For any float32 x, `x ≤ c` exactly when `x ≤ floatBelow(c)`,
 * so a cut stored this way sorts every (float32) point as the drawn double cut does.
 */
export function floatBelow(c: number): number {
  one[0] = c;
  const r = f32(one, 0);
  if (r <= c) return r;
  // rounded up: step one float32 towards −∞ (from ±0: to −(smallest subnormal))
  bits[0] = r === 0 ? -2147483647 : i32(bits, 0) + (r > 0 ? -1 : 1);
  return f32(one, 0);
}
