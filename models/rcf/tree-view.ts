/**
 * @module models/rcf/tree-view
 * The node arrays of a forest's random cut trees and what works on them besides insertion:
 * the one descent (shared by insert, delete, score and attribution) and the bounding boxes —
 * cached for internal nodes below `cacheLimit`, otherwise the union of the cached boxes and
 * leaves below, computed when needed (exact: unions of float32 values). Every tree's nodes
 * live in forest-level arrays at the tree's offsets (`ib`, `lb`, `bb`); node ids are the
 * tree's own (internal `0 … leafBase-1`, leaves from `leafBase`), as serialized.
 */
import type { PointStore } from './point-store.js';
import type { BoxScratch } from './tree-scratch.js';
import { dimAt, f32, i32 } from './typed.js';

/**
 * The typed arrays of trees, as serialized per tree (a forest's hold all its trees, tree t
 * at its offsets). Free nodes are chained through `left`/`leafRef`.
 */
export interface TreeArrays {
  left: Int32Array;
  right: Int32Array;
  /** Uint16 when serialized; in a forest Uint8 up to 256 dimensions (one byte less a node). */
  cutDim: Uint8Array | Uint16Array;
  cutVal: Float32Array;
  leafRef: Int32Array;
  leafMass: Int32Array;
  /** Cached boxes of internal nodes `0 … cacheLimit-1`, `dimensions` values each. */
  boxLo: Float32Array;
  boxHi: Float32Array;
}

/** Scalar state of a tree, as serialized. */
export interface TreeScalars {
  root: number;
  /** Heads of the free lists (−1: empty). */
  freeInternal: number;
  freeLeaf: number;
  /** Points in the tree, with multiplicity. */
  mass: number;
}

/** What the functions of this module read: the forest's trees with one tree selected. */
export interface TreeView {
  readonly a: TreeArrays;
  readonly store: PointStore;
  readonly leafBase: number;
  readonly cacheLimit: number;
  readonly dim: number;
  readonly s: BoxScratch;
  /** The selected tree: its root and mass … */
  readonly root: number;
  readonly total: number;
  /** … and where its internal nodes, leaves and cached boxes start in the arrays. */
  readonly ib: number;
  readonly lb: number;
  readonly bb: number;
}

/**
 * The one descent of insert, delete, score and attribution: follows the cuts from the root
 * for the point at `p[pb …]`, leaving internal nodes in `path[0 … depth)` and the leaf
 * reached in `path[depth]`; returns the depth. The tree must not be empty.
 */
export function descend(t: TreeView, p: Float32Array, pb: number): number {
  const { left, right, cutDim, cutVal } = t.a;
  const path = t.s.path;
  const ib = t.ib;
  let depth = 0;
  let node = t.root;
  while (node < t.leafBase) {
    path[depth] = node;
    depth += 1;
    const x = ib + node;
    node = f32(p, pb + dimAt(cutDim, x)) <= f32(cutVal, x) ? i32(left, x) : i32(right, x);
  }
  path[depth] = node;
  return depth;
}

/** Boxes of the uncached internal nodes of `path[0 … depth)` into the scratch rows, bottom-up. */
export function pathBoxes(t: TreeView, depth: number, qb: number): void {
  const { dim, s } = t;
  const path = s.path;
  for (let i = depth - 1; i >= 0; i -= 1) {
    const n = i32(path, i);
    if (n < t.cacheLimit) continue;
    const child = i32(path, i + 1);
    const row = i * dim;
    if (child >= t.leafBase) {
      copyBox(t.store.data, t.store.data, qb, s.pathLo, s.pathHi, row, dim);
    } else if (child < t.cacheLimit) {
      copyCached(t, child, s.pathLo, s.pathHi, row);
    } else {
      s.pathLo.copyWithin(row, row + dim, row + 2 * dim);
      s.pathHi.copyWithin(row, row + dim, row + 2 * dim);
    }
    const sib = sibling(t, n, child);
    unionSubtree(t, sib, s.pathLo, s.pathHi, row);
  }
}

/**
 * After a leaf and its parent left, shrinks the cached boxes of `path[top …0]` that held
 * the deleted point (at `store.data[pb …]`), from the box of `sib` (the sibling, which took
 * the parent's place) upwards; stops once an ancestor's box still contains the point.
 */
export function shrinkBoxes(t: TreeView, top: number, sib: number, pb: number): void {
  if (top < 0) return;
  const { a, dim, s } = t;
  const data = t.store.data;
  const lo = s.lo;
  const hi = s.hi;
  lo.fill(Infinity, 0, dim);
  hi.fill(-Infinity, 0, dim);
  unionSubtree(t, sib, lo, hi, 0);
  let child = sib;
  for (let i = top; i >= 0; i -= 1) {
    if (contains(lo, hi, data, pb, dim)) return;
    const n = i32(s.path, i);
    unionSubtree(t, sibling(t, n, child), lo, hi, 0);
    if (contains(lo, hi, data, pb, dim)) return;
    if (n < t.cacheLimit) {
      copyBox(lo, hi, 0, a.boxLo, a.boxHi, t.bb + n * dim, dim);
    }
    child = n;
  }
}

/** Unions the box of the subtree at `node` into `lo/hi[b …]` (cached boxes and leaves). */
export function unionSubtree(
  t: TreeView,
  node: number,
  lo: Float32Array,
  hi: Float32Array,
  b: number,
): void {
  const { a, dim } = t;
  const data = t.store.data;
  const stack = t.s.stack;
  stack[0] = node;
  let sp = 1;
  while (sp > 0) {
    sp -= 1;
    const x = i32(stack, sp);
    let src: Float32Array;
    let srcHi: Float32Array;
    let sb: number;
    if (x >= t.leafBase) {
      src = srcHi = data;
      sb = t.store.offset(i32(a.leafRef, t.lb + x - t.leafBase));
    } else if (x < t.cacheLimit) {
      src = a.boxLo;
      srcHi = a.boxHi;
      sb = t.bb + x * dim;
    } else {
      stack[sp] = i32(a.left, t.ib + x);
      stack[sp + 1] = i32(a.right, t.ib + x);
      sp += 2;
      continue;
    }
    for (let k = 0; k < dim; k += 1) {
      const l = f32(src, sb + k);
      const h = f32(srcHi, sb + k);
      if (l < f32(lo, b + k)) lo[b + k] = l;
      if (h > f32(hi, b + k)) hi[b + k] = h;
    }
  }
}

/** Copies the cached box of internal node `n` to `lo/hi[b …]`. */
export function copyCached(
  t: TreeView,
  n: number,
  lo: Float32Array,
  hi: Float32Array,
  b: number,
): void {
  const nb = t.bb + n * t.dim;
  copyBox(t.a.boxLo, t.a.boxHi, nb, lo, hi, b, t.dim);
}

/** The other child of internal node `n` than `child`. */
export function sibling(t: TreeView, n: number, child: number): number {
  const x = t.ib + n;
  const l = i32(t.a.left, x);
  return l === child ? i32(t.a.right, x) : l;
}

/** The leaf's point reference and mass (`leaf` = node id − leafBase). */
export const leafRef = (t: TreeView, leaf: number): number => i32(t.a.leafRef, t.lb + leaf);
export const leafMass = (t: TreeView, leaf: number): number => i32(t.a.leafMass, t.lb + leaf);

/** True if the points `p[pb …]` and `q[qb …]` are equal in every coordinate. */
export function samePoint(
  p: Float32Array,
  pb: number,
  q: Float32Array,
  qb: number,
  dim: number,
): boolean {
  for (let k = 0; k < dim; k += 1) if (p[pb + k] !== q[qb + k]) return false;
  return true;
}

/** L1 distance of the points `p[pb …]` and `q[qb …]`. */
export function distance(
  p: Float32Array,
  pb: number,
  q: Float32Array,
  qb: number,
  dim: number,
): number {
  let range = 0;
  for (let k = 0; k < dim; k += 1) range += Math.abs(f32(p, pb + k) - f32(q, qb + k));
  return range;
}

/** True if the box `lo/hi[0 …]` contains the point `p[pb …]`. */
export function contains(
  lo: Float32Array,
  hi: Float32Array,
  p: Float32Array,
  pb: number,
  dim: number,
) {
  for (let k = 0; k < dim; k += 1) {
    const x = f32(p, pb + k);
    if (x < f32(lo, k) || x > f32(hi, k)) return false;
  }
  return true;
}

/** Copies the box `lo/hi[from …]` to `toLo/toHi[to …]` (a loop: no subarray objects). */
export function copyBox(
  lo: Float32Array,
  hi: Float32Array,
  from: number,
  toLo: Float32Array,
  toHi: Float32Array,
  to: number,
  dim: number,
): void {
  for (let k = 0; k < dim; k += 1) {
    toLo[to + k] = f32(lo, from + k);
    toHi[to + k] = f32(hi, from + k);
  }
}
