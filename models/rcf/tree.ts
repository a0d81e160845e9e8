/**
 * @module models/rcf/tree
 * The random cut trees of a forest (Guha et al., ICML 2016) in forest-level typed arrays:
 * per tree, internal nodes `0 … capacity-2` with children and a cut (dimension, value),
 * leaves `capacity-1 … 2·capacity-2` with a point reference and a mass (> 1 for
 * duplicates), each tree's nodes at its offset in arrays shared by all the forest's trees —
 * one typed array per kind for the whole forest, not per tree: at the pipelines' small
 * trees the objects around many small arrays cost more than the nodes. This class selects
 * a tree for each operation, keeps its free lists and deletes exactly; insertion (range-
 * weighted random cuts drawn top-down) is `tree-insert.ts`, the score and attribution
 * (AWS randomcutforest's expected inverse depth, not CoDisp) `tree-walk.ts`, the memory
 * layout `tree-arrays.ts`. Each tree draws from its own sfc32 generator, whose state words
 * are the tree's four in the forest's `words`.
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
import { i32 } from './typed.js';
import { boxScratch, type BoxScratch } from './tree-scratch.js';
import {
  descend,
  samePoint,
  shrinkBoxes,
  sibling,
  type TreeArrays,
  type TreeScalars,
} from './tree-view.js';
import { insertPoint, type TreeEditor } from './tree-insert.js';
import { checkInvariants, walk } from './tree-walk.js';
import { allocateTrees, loadTree, scalarsOf, treeSlice, type TreeShape } from './tree-arrays.js';

export type { TreeArrays, TreeScalars } from './tree-view.js';

/**
 * The random cut trees of one forest, with exact insert/delete and AWS-style scoring;
 * every operation names its tree (`0 … count-1`).
 */
export class RandomCutTrees implements TreeEditor {
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

  /**
   * Sets tree t to serialized state; returns why it does not fit (nothing changed: lengths,
   * cut dimensions, node ids, free lists, point references, cut values and cached boxes,
   * points on their sides of the cuts — `tree-check.ts`, `tree-sides.ts`). `refCounts`, if given, gets 1 added per leaf of the tree at its point.
   */
  load(
    t: number,
    arrays: TreeArrays,
    scalars: TreeScalars,
    refCounts?: Int32Array,
  ): string | undefined {
    const points = Math.min(this.store.used, this.store.loc.length);
    const store = { data: this.store.data, loc: this.store.loc };
    const from = { arrays, scalars, points, store, ...(refCounts && { refCounts }) };
    return loadTree(this.a, this.sc, this.shape, t, from);
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
    insertPoint(this, ref);
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

  /** Removes one copy of `ref` from the selected tree; exact (boxes shrink as needed). */
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

  /** The next uniform draw in [0, 1) of the selected tree's generator (tree-insert.ts). */
  uniform(): number {
    return sfc32Next(this.words, this.g);
  }

  /** Makes `fresh` the child of `parent` that `old` was (the root when `parent` < 0). */
  replaceChild(parent: number, old: number, fresh: number): void {
    const x = this.ib + parent;
    if (parent < 0) this.root = fresh;
    else if (this.a.left[x] === old) this.a.left[x] = fresh;
    else this.a.right[x] = fresh;
  }

  /** A leaf of the selected tree from its free list, holding `ref` (retained), mass 1. */
  newLeaf(ref: number): number {
    const leaf = this.freeLeaf;
    const x = this.lb + leaf;
    this.freeLeaf = i32(this.a.leafRef, x);
    this.a.leafRef[x] = ref;
    this.a.leafMass[x] = 1;
    this.store.retain(ref);
    return leaf + this.leafBase;
  }

  /** Returns leaf `id` to the selected tree's free list. */
  private freeLeafNode(id: number): void {
    const leaf = id - this.leafBase;
    this.a.leafRef[this.lb + leaf] = this.freeLeaf;
    this.a.leafMass[this.lb + leaf] = 0;
    this.freeLeaf = leaf;
  }

  /** An internal node of the selected tree from its free list. */
  newInternal(): number {
    const n = this.freeInternal;
    this.freeInternal = i32(this.a.left, this.ib + n);
    return n;
  }

  /** Returns internal node `n` to the selected tree's free list. */
  private freeInternalNode(n: number): void {
    this.a.left[this.ib + n] = this.freeInternal;
    this.freeInternal = n;
  }
}
