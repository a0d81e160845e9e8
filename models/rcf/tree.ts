/**
 * @module models/rcf/tree
 * One random cut tree over a sample of points (Guha et al., ICML 2016) in typed arrays:
 * internal nodes `0 … capacity-2` with children and a cut (dimension, value), leaves
 * `capacity-1 … 2·capacity-2` with a point reference and a mass (> 1 for duplicates).
 * Insertion draws range-weighted random cuts top-down, so the tree is distributed as if
 * built from scratch on the sample; deletion is exact. Scoring is the expected-inverse-depth
 * score of AWS's randomcutforest (not CoDisp).
 *
 * Bounding boxes are cached only for internal nodes below `cacheLimit` (a fraction of the
 * nodes, as AWS's `boundingBoxCacheFraction`); any other box is the union of its children's,
 * computed when needed from the nearest cached boxes and leaves below it. Unions of float32
 * coordinates are exact, so a computed box equals the cached one bit for bit: the cache
 * fraction changes memory and speed, never a score. Cut values are stored as float32
 * rounded down, which for float32 coordinates decides every `x ≤ cut` as the drawn cut did.
 * Invariants (`checkInvariants`): cached boxes are the union of their children's, the tree's
 * mass is the sum of its leaves', and points left of a cut are ≤ it, right of it >.
 */
import type { PointStore } from './point-store.js';
import type { Prng } from '../../core/index.js';
import { f32, i32 } from './typed.js';
import { boxScratch, floatBelow, type BoxScratch } from './tree-scratch.js';
import {
  descend,
  distance,
  pathBoxes,
  samePoint,
  shrinkBoxes,
  type TreeArrays,
  type TreeScalars,
  type TreeView,
} from './tree-view.js';
import { checkInvariants, walk } from './tree-walk.js';

export type { TreeArrays, TreeScalars } from './tree-view.js';

/** Where a fresh tree puts its node arrays: `treeBytes(…)` bytes of `buffer` from `at`. */
export interface TreeMemory {
  readonly buffer: ArrayBuffer;
  readonly at: number;
}

/**
 * Bytes of the node arrays of a fresh tree (a multiple of 8), so that a forest can put all
 * its trees on one buffer: one buffer object instead of one per tree.
 */
export function treeBytes(capacity: number, cacheFraction: number, dim: number): number {
  const ni = Math.max(1, capacity - 1);
  const boxValues = Math.floor(cacheFraction * ni) * dim;
  return Math.ceil((4 * (3 * ni + 2 * capacity + 2 * boxValues) + 2 * ni) / 8) * 8;
}

/** A random cut tree with exact insert/delete and AWS-style scoring. */
export class RandomCutTree implements TreeView {
  readonly a: TreeArrays;
  root = -1;
  /** Internal nodes with an id below this cache their bounding box. */
  readonly cacheLimit: number;
  /** Points in the tree, with multiplicity. */
  total = 0;
  /** Id of the first leaf (ids below are internal nodes). */
  readonly leafBase: number;
  readonly dim: number;
  /** Working memory shared by all trees (tree-scratch.ts). */
  readonly s: BoxScratch;
  private freeInternal = 0;
  private freeLeaf = 0;

  /**
   * @param cacheFraction share of internal nodes whose box is cached (0 … 1)
   * @param state arrays and scalars of a serialized tree (then `cacheFraction` is theirs)
   */
  constructor(
    readonly capacity: number,
    readonly store: PointStore,
    private readonly random: Prng,
    cacheFraction = 1,
    state?: { arrays: TreeArrays; scalars: TreeScalars },
    memory?: TreeMemory,
  ) {
    const dim = store.dimensions;
    this.dim = dim;
    this.leafBase = capacity - 1;
    const ni = Math.max(1, capacity - 1);
    const cached = Math.floor(cacheFraction * ni);
    this.a = state?.arrays ?? packedArrays(ni, capacity, cached * dim, memory);
    this.cacheLimit = this.a.boxLo.length / dim;
    if (state) {
      this.root = state.scalars.root;
      this.freeInternal = state.scalars.freeInternal;
      this.freeLeaf = state.scalars.freeLeaf;
      this.total = state.scalars.mass;
    }
    this.s = boxScratch(capacity, dim);
  }

  /** Scalar state for serialization. */
  scalars(): TreeScalars {
    const { root, freeInternal, freeLeaf, total } = this;
    return { root, freeInternal, freeLeaf, mass: total };
  }

  /** Number of points (with multiplicity) in the tree. */
  mass(): number {
    return this.total;
  }

  /** Bytes held by the tree's typed arrays (the shared scratch is per process, not counted). */
  byteSize(): number {
    let n = 0;
    for (const v of Object.values(this.a) as ArrayBufferView[]) n += v.byteLength;
    return n;
  }

  /** True if `id` is a leaf. */
  isLeaf(id: number): boolean {
    return id >= this.leafBase;
  }

  /** Inserts the stored point `ref` (the tree retains it if it makes a new leaf). */
  insert(ref: number): void {
    const { a, dim, s } = this;
    const data = this.store.data;
    const pb = this.store.offset(ref);
    this.total += 1;
    if (this.root < 0) {
      this.root = this.newLeaf(ref);
      return;
    }
    const depth = descend(this, data, pb);
    const path = s.path;
    const leafNode = i32(path, depth);
    const leaf = leafNode - this.leafBase;
    const qb = this.store.offset(i32(a.leafRef, leaf));
    if (samePoint(data, pb, data, qb, dim)) {
      a.leafMass[leaf] = i32(a.leafMass, leaf) + 1;
      return;
    }
    pathBoxes(this, depth, qb);
    for (let i = 0; i < depth; i += 1) {
      const node = i32(path, i);
      const cached = node < this.cacheLimit;
      const lo = cached ? a.boxLo : s.pathLo;
      const hi = cached ? a.boxHi : s.pathHi;
      const nb = (cached ? node : i) * dim;
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
      const { d, c } = this.drawCut(rangeU, data, pb, lo, hi, nb, nb);
      const p = f32(data, pb + d);
      const l = f32(lo, nb + d);
      const h = f32(hi, nb + d);
      if ((p < l && c < l) || (p > h && c >= h)) {
        this.split(i > 0 ? i32(path, i - 1) : -1, node, ref, d, c, lo, hi, nb);
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
    const { d, c } = this.drawCut(range, data, pb, data, data, qb, qb);
    this.split(depth > 0 ? i32(path, depth - 1) : -1, leafNode, ref, d, c, data, data, qb);
  }

  /** Removes one copy of the stored point `ref` (which must be in the tree). */
  delete(ref: number): void {
    if (this.root < 0) throw new Error('rcf: delete from an empty tree');
    const { a, dim, s } = this;
    const data = this.store.data;
    const pb = this.store.offset(ref);
    const depth = descend(this, data, pb);
    const path = s.path;
    const node = i32(path, depth);
    const leaf = node - this.leafBase;
    if (!samePoint(data, pb, data, this.store.offset(i32(a.leafRef, leaf)), dim))
      throw new Error('rcf: deleted point is not in the tree');
    this.total -= 1;
    const left = i32(a.leafMass, leaf) - 1;
    a.leafMass[leaf] = left;
    if (left > 0) return;
    this.store.release(i32(a.leafRef, leaf));
    this.freeLeafNode(node);
    if (depth === 0) {
      this.root = -1;
      return;
    }
    const parent = i32(path, depth - 1);
    const sibling = i32(a.left, parent) === node ? i32(a.right, parent) : i32(a.left, parent);
    this.replaceChild(depth >= 2 ? i32(path, depth - 2) : -1, parent, sibling);
    this.freeInternalNode(parent);
    // The deleted point's values stay in the store until its next add (compaction).
    shrinkBoxes(this, depth - 2, sibling, pb);
  }

  /** The normalized expected-inverse-depth score of `p` (float32 coordinates). */
  score(p: Float32Array): number {
    return walk(this, p, null);
  }

  /**
   * Adds this tree's per-dimension attribution of the score of `p` to `out`
   * (`out[2k]` = contribution of p[k] being high, `out[2k+1]` = being low); the entries
   * added sum to {@link score}.
   */
  attribution(p: Float32Array, out: Float64Array): void {
    walk(this, p, out);
  }

  /** Verifies cached boxes, masses and cut sides of the whole tree; returns the problems found. */
  checkInvariants(): string[] {
    return checkInvariants(this);
  }

  /**
   * A cut drawn uniformly over the summed ranges of the union of the box `lo/hi` with the
   * point `p[pb …]` (`range` = that sum): its dimension and (double) value.
   */
  private drawCut(
    range: number,
    p: Float32Array,
    pb: number,
    lo: Float32Array,
    hi: Float32Array,
    lb: number,
    hb: number,
  ): { d: number; c: number } {
    const cut = this.s.cut;
    let r = this.random.next() * range;
    cut.d = -1;
    cut.c = 0;
    for (let k = 0; k < this.dim; k += 1) {
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
  private split(
    parent: number,
    node: number,
    ref: number,
    d: number,
    c: number,
    lo: Float32Array,
    hi: Float32Array,
    b: number,
  ): void {
    const { a, dim } = this;
    const data = this.store.data;
    const pb = this.store.offset(ref);
    const n = this.newInternal();
    if (n < this.cacheLimit) {
      const nb = n * dim;
      for (let k = 0; k < dim; k += 1) {
        const q = f32(data, pb + k);
        const l = f32(lo, b + k);
        const h = f32(hi, b + k);
        a.boxLo[nb + k] = q < l ? q : l;
        a.boxHi[nb + k] = q > h ? q : h;
      }
    }
    a.cutDim[n] = d;
    a.cutVal[n] = floatBelow(c);
    const fresh = this.newLeaf(ref);
    const left = f32(data, pb + d) <= c;
    a.left[n] = left ? fresh : node;
    a.right[n] = left ? node : fresh;
    this.replaceChild(parent, node, n);
  }

  private replaceChild(parent: number, old: number, fresh: number): void {
    if (parent < 0) this.root = fresh;
    else if (this.a.left[parent] === old) this.a.left[parent] = fresh;
    else this.a.right[parent] = fresh;
  }

  private newLeaf(ref: number): number {
    const leaf = this.freeLeaf;
    this.freeLeaf = i32(this.a.leafRef, leaf);
    this.a.leafRef[leaf] = ref;
    this.a.leafMass[leaf] = 1;
    this.store.retain(ref);
    return leaf + this.leafBase;
  }

  private freeLeafNode(id: number): void {
    const leaf = id - this.leafBase;
    this.a.leafRef[leaf] = this.freeLeaf;
    this.a.leafMass[leaf] = 0;
    this.freeLeaf = leaf;
  }

  private newInternal(): number {
    const n = this.freeInternal;
    this.freeInternal = i32(this.a.left, n);
    return n;
  }

  private freeInternalNode(n: number): void {
    this.a.left[n] = this.freeInternal;
    this.freeInternal = n;
  }
}

/** The box arrays of trees that cache no box (empty: never written). */
const NO_BOXES = new Float32Array(0);

/**
 * Fresh node arrays of a tree as views on one buffer (one allocation, and no buffer object
 * per array; the forest's, when given), free lists chained in order.
 */
function packedArrays(
  ni: number,
  capacity: number,
  boxValues: number,
  memory?: TreeMemory,
): TreeArrays {
  const buffer =
    memory?.buffer ?? new ArrayBuffer(4 * (3 * ni + 2 * capacity + 2 * boxValues) + 2 * ni);
  let at = memory?.at ?? 0;
  const take = <T>(
    ctor: new (b: ArrayBuffer, o: number, n: number) => T,
    n: number,
    bytes: number,
  ) => {
    const view = new ctor(buffer, at, n);
    at += n * bytes;
    return view;
  };
  const left = take(Int32Array, ni, 4);
  const right = take(Int32Array, ni, 4);
  const leafRef = take(Int32Array, capacity, 4);
  const leafMass = take(Int32Array, capacity, 4);
  const cutVal = take(Float32Array, ni, 4);
  // no cached box: the one shared empty array (a view costs ~96 bytes of heap)
  const boxLo = boxValues > 0 ? take(Float32Array, boxValues, 4) : NO_BOXES;
  const boxHi = boxValues > 0 ? take(Float32Array, boxValues, 4) : NO_BOXES;
  const cutDim = take(Uint16Array, ni, 2); // last: 2-byte elements keep the others aligned
  // the serialized key order
  const a: TreeArrays = { left, right, cutDim, cutVal, leafRef, leafMass, boxLo, boxHi };
  for (let i = 0; i < ni; i += 1) a.left[i] = i + 1 < ni ? i + 1 : -1;
  for (let i = 0; i < capacity; i += 1) a.leafRef[i] = i + 1 < capacity ? i + 1 : -1;
  return a;
}
