/**
 * @module models/rcf/tree
 * The random cut trees of a forest (Guha et al., ICML 2016) in forest-level typed arrays:
 * per tree, internal nodes `0 … capacity-2` with children and a cut (dimension, value),
 * leaves `capacity-1 … 2·capacity-2` with a point reference and a mass (> 1 for
 * duplicates), each tree's nodes at its offset in arrays shared by all the forest's trees —
 * one typed array per kind for the whole forest, not per tree: at the pipelines' small
 * trees the objects around many small arrays cost more than the nodes. Insertion draws
 * range-weighted random cuts top-down, so a tree is distributed as if built from scratch
 * on its sample; deletion is exact. Scoring is the expected-inverse-depth score of AWS's
 * randomcutforest (not CoDisp). Each tree draws from its own sfc32 generator, whose state
 * words are the tree's four in the forest's `words`.
 *
 * Bounding boxes are cached only for internal nodes below `cacheLimit` (a fraction of the
 * nodes, as AWS's `boundingBoxCacheFraction`); any other box is the union of its children's,
 * computed when needed from the nearest cached boxes and leaves below it. Unions of float32
 * coordinates are exact, so a computed box equals the cached one bit for bit: the cache
 * fraction changes memory and speed, never a score. Cut values are stored as float32
 * rounded down, which for float32 coordinates decides every `x ≤ cut` as the drawn cut did.
 * Invariants (`checkInvariants`): cached boxes are the union of their children's, a tree's
 * mass is the sum of its leaves', and points left of a cut are ≤ it, right of it >.
 */
import type { PointStore } from './point-store.js';
import { sfc32Next } from '../../core/index.js';
import { f32, i32 } from './typed.js';
import { boxScratch, floatBelow, type BoxScratch } from './tree-scratch.js';
import {
  descend,
  distance,
  pathBoxes,
  samePoint,
  shrinkBoxes,
  sibling,
  type TreeArrays,
  type TreeScalars,
  type TreeView,
} from './tree-view.js';
import { checkInvariants, walk } from './tree-walk.js';
import { allocateTrees, loadTree, scalarsOf, treeSlice, type TreeShape } from './tree-arrays.js';

export type { TreeArrays, TreeScalars } from './tree-view.js';

/**
 * The random cut trees of one forest, with exact insert/delete and AWS-style scoring;
 * every operation names its tree (`0 … count-1`).
 */
export class RandomCutTrees implements TreeView {
  /** Every tree's node arrays, tree t's at its offsets. */
  readonly a: TreeArrays;
  /** Per tree: root, free internal head, free leaf head, mass. */
  private readonly sc: Int32Array;
  /** Internal nodes with an id below this cache their bounding box. */
  readonly cacheLimit: number;
  /** Id of the first leaf (ids below are internal nodes). */
  readonly leafBase: number;
  readonly dim: number;
  /** Working memory shared by all trees of the process (tree-scratch.ts). */
  readonly s: BoxScratch;
  /** Sizes of one tree's parts. */
  readonly shape: TreeShape;
  // the selected tree (select/save): scalars and offsets of its nodes, boxes and generator
  root = -1;
  total = 0;
  ib = 0;
  lb = 0;
  bb = 0;
  private t = 0;
  private g = 0;
  private freeInternal = 0;
  private freeLeaf = 0;

  /**
   * @param count trees
   * @param capacity leaves per tree (the sample size)
   * @param words the trees' generator states, four words per tree
   * @param cacheFraction share of internal nodes whose box is cached (0 … 1)
   */
  constructor(
    readonly count: number,
    readonly capacity: number,
    readonly store: PointStore,
    private readonly words: Uint32Array,
    cacheFraction = 1,
  ) {
    const dim = store.dimensions;
    this.dim = dim;
    this.leafBase = capacity - 1;
    const internal = Math.max(1, capacity - 1);
    this.cacheLimit = Math.floor(cacheFraction * internal);
    this.shape = { internal, capacity, boxValues: this.cacheLimit * dim, dimensions: dim };
    const { a, scalars } = allocateTrees(count, this.shape);
    this.a = a;
    this.sc = scalars;
    this.s = boxScratch(capacity, dim);
  }

  /** Tree t's node arrays (views, for serialization: not hot paths). */
  arraysOf(t: number): TreeArrays {
    return treeSlice(this.a, this.shape, t);
  }

  /** Scalar state of tree t, for serialization. */
  scalars(t: number): TreeScalars {
    return scalarsOf(this.sc, t);
  }

  /** Sets tree t to serialized state; false (nothing changed) if its arrays do not fit. */
  load(t: number, arrays: TreeArrays, scalars: TreeScalars): boolean {
    return loadTree(this.a, this.sc, this.shape, t, { arrays, scalars });
  }

  /** Number of points (with multiplicity) in tree t. */
  mass(t: number): number {
    return i32(this.sc, 4 * t + 3);
  }

  /** Bytes held by the typed arrays (the shared scratch is per process, not counted). */
  byteSize(): number {
    return this.a.left.buffer.byteLength;
  }

  /** Inserts the stored point `ref` into tree t (the tree retains it if it makes a new leaf). */
  insert(t: number, ref: number): void {
    this.select(t);
    this.insertSelected(ref);
    this.save();
  }

  /** Removes one copy of the stored point `ref` (which must be in tree t). */
  delete(t: number, ref: number): void {
    this.select(t);
    this.deleteSelected(ref);
    this.save();
  }

  /** The normalized expected-inverse-depth score of `p` (float32 coordinates) in tree t. */
  score(t: number, p: Float32Array): number {
    this.select(t);
    return walk(this, p, null);
  }

  /**
   * Adds tree t's per-dimension attribution of the score of `p` to `out`
   * (`out[2k]` = contribution of p[k] being high, `out[2k+1]` = being low); the entries
   * added sum to {@link score}.
   */
  attribution(t: number, p: Float32Array, out: Float64Array): void {
    this.select(t);
    walk(this, p, out);
  }

  /** Verifies cached boxes, masses and cut sides of tree t; returns the problems found. */
  checkInvariants(t: number): string[] {
    this.select(t);
    return checkInvariants(this);
  }

  /** Makes tree t the one the node functions work on. */
  private select(t: number): void {
    const o = 4 * t;
    const sc = this.sc;
    this.t = t;
    this.g = o;
    this.ib = t * this.shape.internal;
    this.lb = t * this.capacity;
    this.bb = t * this.shape.boxValues;
    this.root = i32(sc, o);
    this.freeInternal = i32(sc, o + 1);
    this.freeLeaf = i32(sc, o + 2);
    this.total = i32(sc, o + 3);
  }

  /** Writes the selected tree's scalars back. */
  private save(): void {
    const o = 4 * this.t;
    const sc = this.sc;
    sc[o] = this.root;
    sc[o + 1] = this.freeInternal;
    sc[o + 2] = this.freeLeaf;
    sc[o + 3] = this.total;
  }

  private insertSelected(ref: number): void {
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
    const lx = this.lb + leaf;
    const qb = this.store.offset(i32(a.leafRef, lx));
    if (samePoint(data, pb, data, qb, dim)) {
      a.leafMass[lx] = i32(a.leafMass, lx) + 1;
      return;
    }
    pathBoxes(this, depth, qb);
    for (let i = 0; i < depth; i += 1) {
      const node = i32(path, i);
      const cached = node < this.cacheLimit;
      const lo = cached ? a.boxLo : s.pathLo;
      const hi = cached ? a.boxHi : s.pathHi;
      const nb = cached ? this.bb + node * dim : i * dim;
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

  private deleteSelected(ref: number): void {
    if (this.root < 0) throw new Error('rcf: delete from an empty tree');
    const { a, dim, s } = this;
    const data = this.store.data;
    const pb = this.store.offset(ref);
    const depth = descend(this, data, pb);
    const path = s.path;
    const node = i32(path, depth);
    const lx = this.lb + node - this.leafBase;
    if (!samePoint(data, pb, data, this.store.offset(i32(a.leafRef, lx)), dim))
      throw new Error('rcf: deleted point is not in the tree');
    this.total -= 1;
    const left = i32(a.leafMass, lx) - 1;
    a.leafMass[lx] = left;
    if (left > 0) return;
    this.store.release(i32(a.leafRef, lx));
    this.freeLeafNode(node);
    if (depth === 0) {
      this.root = -1;
      return;
    }
    const parent = i32(path, depth - 1);
    const sib = sibling(this, parent, node);
    this.replaceChild(depth >= 2 ? i32(path, depth - 2) : -1, parent, sib);
    this.freeInternalNode(parent);
    // The deleted point's values stay in the store until its next add (compaction).
    shrinkBoxes(this, depth - 2, sib, pb);
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
    let r = sfc32Next(this.words, this.g) * range;
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
      const nb = this.bb + n * dim;
      for (let k = 0; k < dim; k += 1) {
        const q = f32(data, pb + k);
        const l = f32(lo, b + k);
        const h = f32(hi, b + k);
        a.boxLo[nb + k] = q < l ? q : l;
        a.boxHi[nb + k] = q > h ? q : h;
      }
    }
    const x = this.ib + n;
    a.cutDim[x] = d;
    a.cutVal[x] = floatBelow(c);
    const fresh = this.newLeaf(ref);
    const left = f32(data, pb + d) <= c;
    a.left[x] = left ? fresh : node;
    a.right[x] = left ? node : fresh;
    this.replaceChild(parent, node, n);
  }

  private replaceChild(parent: number, old: number, fresh: number): void {
    const x = this.ib + parent;
    if (parent < 0) this.root = fresh;
    else if (this.a.left[x] === old) this.a.left[x] = fresh;
    else this.a.right[x] = fresh;
  }

  private newLeaf(ref: number): number {
    const leaf = this.freeLeaf;
    const x = this.lb + leaf;
    this.freeLeaf = i32(this.a.leafRef, x);
    this.a.leafRef[x] = ref;
    this.a.leafMass[x] = 1;
    this.store.retain(ref);
    return leaf + this.leafBase;
  }

  private freeLeafNode(id: number): void {
    const leaf = id - this.leafBase;
    this.a.leafRef[this.lb + leaf] = this.freeLeaf;
    this.a.leafMass[this.lb + leaf] = 0;
    this.freeLeaf = leaf;
  }

  private newInternal(): number {
    const n = this.freeInternal;
    this.freeInternal = i32(this.a.left, this.ib + n);
    return n;
  }

  private freeInternalNode(n: number): void {
    this.a.left[this.ib + n] = this.freeInternal;
    this.freeInternal = n;
  }
}
