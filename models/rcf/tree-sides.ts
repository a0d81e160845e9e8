/**
 * @module models/rcf/tree-sides
 * The geometric check of one serialized tree whose structure `tree-check.ts` has already
 * verified: every point of a node's left subtree is ≤ its cut on the cut's dimension and
 * every point of its right subtree is above it, and every cached box is exactly the union of
 * its subtree's points (as `checkInvariants` asserts of a live tree; unions of float32
 * values are exact). A finite cut on the wrong side of a point, or a finite but wrong box,
 * would restore and score silently wrong — and the next delete of such a point would not
 * find it and throw. One bottom-up pass over the internal nodes (reverse pre-order: every
 * child before its parent), O(nodes × dimensions).
 */
import type { TreeArrays } from './tree-view.js';

/** What {@link sidesProblem} reads besides the tree's arrays. */
export interface SidesLimits {
  readonly internal: number;
  readonly capacity: number;
  readonly cacheLimit: number;
  readonly dimensions: number;
  /** The point store's values and per-point offsets (already checked: finite, in range). */
  readonly data: Float32Array;
  readonly loc: Int32Array;
}

// Working memory, grown as needed (restores run one at a time per process).
let orderMemory = new Int32Array(0);
let loMemory = new Float32Array(0);
let hiMemory = new Float32Array(0);

/**
 * Why the points of the tree at `root` are not on their sides of the cuts, or a cached box
 * is not the union of its subtree's points; undefined if they all fit. Messages are built
 * only on a problem.
 */
export function sidesProblem(
  arrays: TreeArrays,
  root: number,
  limits: SidesLimits,
): string | undefined {
  const { internal, capacity, cacheLimit, dimensions: dim, data, loc } = limits;
  const leafBase = capacity - 1;
  if (root < 0 || root >= leafBase) return undefined; // empty, or a single leaf
  if (orderMemory.length < 2 * internal + 1) orderMemory = new Int32Array(2 * internal + 1);
  if (loMemory.length < internal * dim) {
    loMemory = new Float32Array(internal * dim);
    hiMemory = new Float32Array(internal * dim);
  }
  const order = orderMemory;
  const lo = loMemory;
  const hi = hiMemory;
  const { left, right, cutDim, cutVal, leafRef, boxLo, boxHi } = arrays;
  // pre-order of the internal nodes: order[0 … n), the stack above it
  let n = 0;
  let top = order.length;
  order[--top] = root;
  while (top < order.length) {
    const id = order[top++] as number;
    order[n++] = id;
    const l = left[id] as number;
    const r = right[id] as number;
    if (l < leafBase) order[--top] = l;
    if (r < leafBase) order[--top] = r;
  }
  for (let j = n - 1; j >= 0; j -= 1) {
    const id = order[j] as number;
    const d = cutDim[id] as number;
    const c = cutVal[id] as number;
    const l = left[id] as number;
    const r = right[id] as number;
    // a child's box: a leaf's point in the store, or an internal node's row of lo/hi
    const lLeaf = l >= leafBase;
    const rLeaf = r >= leafBase;
    const lb = lLeaf ? (loc[leafRef[l - leafBase] as number] as number) : l * dim;
    const rb = rLeaf ? (loc[leafRef[r - leafBase] as number] as number) : r * dim;
    const lLo = lLeaf ? data : lo;
    const lHi = lLeaf ? data : hi;
    const rLo = rLeaf ? data : lo;
    const rHi = rLeaf ? data : hi;
    if (!((lHi[lb + d] as number) <= c))
      return `node ${id}: its left subtree reaches ${lHi[lb + d]} on dimension ${d}, above cutVal ${c}`;
    if (!((rLo[rb + d] as number) > c))
      return `node ${id}: its right subtree reaches ${rLo[rb + d]} on dimension ${d}, not above cutVal ${c}`;
    const b = id * dim;
    for (let k = 0; k < dim; k += 1) {
      const a = lLo[lb + k] as number;
      const e = rLo[rb + k] as number;
      const f = lHi[lb + k] as number;
      const g = rHi[rb + k] as number;
      lo[b + k] = a < e ? a : e;
      hi[b + k] = f > g ? f : g;
    }
    if (id < cacheLimit) {
      for (let k = 0; k < dim; k += 1) {
        if (boxLo[b + k] !== lo[b + k] || boxHi[b + k] !== hi[b + k])
          return `node ${id}: cached box [${boxLo[b + k]}, ${boxHi[b + k]}] on dimension ${k} is not its subtree's [${lo[b + k]}, ${hi[b + k]}]`;
      }
    }
  }
  return undefined;
}
