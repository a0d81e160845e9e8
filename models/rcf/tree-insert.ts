/**
 * @module models/rcf/tree-insert
 * Insertion of a point into the selected random cut tree (Guha et al., ICML 2016): at each
 * level of the point's descent, top-down, a cut drawn uniformly over the summed ranges of the
 * node's box grown by the point; a cut that separates the point from the box puts a new
 * internal node there, with the point as a new leaf. So a tree is distributed as if built
 * from scratch on its sample. The boxes of uncached path nodes are computed bottom-up first
 * (`pathBoxes`); cached boxes on the way grow by the point. Cut values are stored as float32
 * rounded down (`floatBelow`), which decides every float32 `x ≤ cut` as the drawn cut did.
 */
import { f32, i32 } from './typed.js';
import { floatBelow } from './tree-scratch.js';
import { descend, distance, pathBoxes, samePoint, type TreeView } from './tree-view.js';

/**
 * What insertion changes besides the node arrays: the selected tree's root and mass, its
 * generator, and its free lists (allocation, and relinking a parent's child).
 */
export interface TreeEditor extends TreeView {
  root: number;
  total: number;
  /** The next uniform draw in [0, 1) of the selected tree's generator. */
  uniform(): number;
  /** A leaf (node id) from the free list holding the point `ref`, mass 1; retains the point. */
  newLeaf(ref: number): number;
  /** An internal node (id) from the free list. */
  newInternal(): number;
  /** Makes `fresh` the child of `parent` that `old` was (the root when `parent` < 0). */
  replaceChild(parent: number, old: number, fresh: number): void;
}

/** Inserts the stored point `ref` into the selected tree (mass + 1; a duplicate adds mass). */
export function insertPoint(t: TreeEditor, ref: number): void {
  const { a, dim, s } = t;
  const data = t.store.data;
  const pb = t.store.offset(ref);
  t.total += 1;
  if (t.root < 0) {
    t.root = t.newLeaf(ref);
    return;
  }
  const depth = descend(t, data, pb);
  const path = s.path;
  const leafNode = i32(path, depth);
  const leaf = leafNode - t.leafBase;
  const lx = t.lb + leaf;
  const qb = t.store.offset(i32(a.leafRef, lx));
  if (samePoint(data, pb, data, qb, dim)) {
    a.leafMass[lx] = i32(a.leafMass, lx) + 1;
    return;
  }
  pathBoxes(t, depth, qb);
  for (let i = 0; i < depth; i += 1) {
    const node = i32(path, i);
    const cached = node < t.cacheLimit;
    const lo = cached ? a.boxLo : s.pathLo;
    const hi = cached ? a.boxHi : s.pathHi;
    const nb = cached ? t.bb + node * dim : i * dim;
    let rangeB = 0;
    let rangeU = 0;
    for (let k = 0; k < dim; k += 1) {
      const l = f32(lo, nb + k);
      const h = f32(hi, nb + k);
      const p = f32(data, pb + k);
      rangeB += h - l;
      rangeU += (p > h ? p : h) - (p < l ? p : l);
    }
    if (rangeU <= rangeB) continue;
    const { d, c } = drawCut(t, rangeU, data, pb, lo, hi, nb, nb);
    const p = f32(data, pb + d);
    const l = f32(lo, nb + d);
    const h = f32(hi, nb + d);
    if ((p < l && c < l) || (p > h && c >= h)) {
      split(t, i > 0 ? i32(path, i - 1) : -1, node, ref, d, c, lo, hi, nb);
      return;
    }
    if (cached) {
      for (let k = 0; k < dim; k += 1) {
        const q = f32(data, pb + k);
        if (q < f32(lo, nb + k)) lo[nb + k] = q;
        if (q > f32(hi, nb + k)) hi[nb + k] = q;
      }
    }
  }
  // Reached a leaf holding another point: the union of two distinct points always splits.
  const range = distance(data, pb, data, qb, dim);
  const { d, c } = drawCut(t, range, data, pb, data, data, qb, qb);
  split(t, depth > 0 ? i32(path, depth - 1) : -1, leafNode, ref, d, c, data, data, qb);
}

/**
 * A cut drawn uniformly over the summed ranges of the union of the box `lo/hi` with the
 * point `p[pb …]` (`range` = that sum): its dimension and (double) value.
 */
function drawCut(
  t: TreeEditor,
  range: number,
  p: Float32Array,
  pb: number,
  lo: Float32Array,
  hi: Float32Array,
  lb: number,
  hb: number,
): { d: number; c: number } {
  const cut = t.s.cut;
  let r = t.uniform() * range;
  cut.d = -1;
  cut.c = 0;
  for (let k = 0; k < t.dim; k += 1) {
    const x = f32(p, pb + k);
    const l0 = f32(lo, lb + k);
    const h0 = f32(hi, hb + k);
    const l = x < l0 ? x : l0;
    const w = (x > h0 ? x : h0) - l;
    if (w <= 0) continue;
    cut.d = k;
    if (r < w) {
      cut.c = l + r;
      if (cut.c >= l + w) cut.c = l;
      break;
    }
    r -= w;
    cut.c = l;
  }
  return cut;
}

/**
 * Puts a new internal node with cut (d, c) above `node` (child of `parent`), the new point
 * `ref` as its other child; its box (if cached) is `lo/hi[b …]` grown by the point.
 */
function split(
  t: TreeEditor,
  parent: number,
  node: number,
  ref: number,
  d: number,
  c: number,
  lo: Float32Array,
  hi: Float32Array,
  b: number,
): void {
  const { a, dim } = t;
  const data = t.store.data;
  const pb = t.store.offset(ref);
  const n = t.newInternal();
  if (n < t.cacheLimit) {
    const nb = t.bb + n * dim;
    for (let k = 0; k < dim; k += 1) {
      const q = f32(data, pb + k);
      const l = f32(lo, b + k);
      const h = f32(hi, b + k);
      a.boxLo[nb + k] = q < l ? q : l;
      a.boxHi[nb + k] = q > h ? q : h;
    }
  }
  const x = t.ib + n;
  a.cutDim[x] = d;
  a.cutVal[x] = floatBelow(c);
  const fresh = t.newLeaf(ref);
  const left = f32(data, pb + d) <= c;
  a.left[x] = left ? fresh : node;
  a.right[x] = left ? node : fresh;
  t.replaceChild(parent, node, n);
}
