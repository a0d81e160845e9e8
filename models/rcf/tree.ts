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
import { f32, i32, u16 } from './typed.js';
import { boxScratch, floatBelow, type BoxScratch } from './tree-scratch.js';

/** The typed arrays of a tree, as serialized. Free nodes are chained through `left`/`leafRef`. */
export interface TreeArrays {
  left: Int32Array;
  right: Int32Array;
  cutDim: Uint16Array;
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

/** A random cut tree with exact insert/delete and AWS-style scoring. */
export class RandomCutTree {
  readonly a: TreeArrays;
  root = -1;
  /** Internal nodes with an id below this cache their bounding box. */
  readonly cacheLimit: number;
  private freeInternal = 0;
  private freeLeaf = 0;
  private total = 0;
  private readonly leafBase: number;
  private readonly dim: number;
  private readonly s: BoxScratch;

  /**
   * @param cacheFraction share of internal nodes whose box is cached (0 … 1)
   * @param state arrays and scalars of a serialized tree (then `cacheFraction` is theirs)
   */
  constructor(
    readonly capacity: number,
    private readonly store: PointStore,
    private readonly random: Prng,
    cacheFraction = 1,
    state?: { arrays: TreeArrays; scalars: TreeScalars },
  ) {
    const dim = store.dimensions;
    this.dim = dim;
    this.leafBase = capacity - 1;
    const ni = Math.max(1, capacity - 1);
    const cached = Math.floor(cacheFraction * ni);
    this.a = state?.arrays ?? {
      left: Int32Array.from({ length: ni }, (_, i) => (i + 1 < ni ? i + 1 : -1)),
      right: new Int32Array(ni),
      cutDim: new Uint16Array(ni),
      cutVal: new Float32Array(ni),
      leafRef: Int32Array.from({ length: capacity }, (_, i) => (i + 1 < capacity ? i + 1 : -1)),
      leafMass: new Int32Array(capacity),
      boxLo: new Float32Array(cached * dim),
      boxHi: new Float32Array(cached * dim),
    };
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
    const depth = this.descend(data, pb);
    const path = s.path;
    const leafNode = i32(path, depth);
    const leaf = leafNode - this.leafBase;
    const qb = this.store.offset(i32(a.leafRef, leaf));
    if (samePoint(data, pb, data, qb, dim)) {
      a.leafMass[leaf] = i32(a.leafMass, leaf) + 1;
      return;
    }
    this.pathBoxes(depth, qb);
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
    const depth = this.descend(data, pb);
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
    this.shrinkBoxes(depth - 2, sibling, pb);
  }

  /** The normalized expected-inverse-depth score of `p` (float32 coordinates). */
  score(p: Float32Array): number {
    return this.walk(p, null);
  }

  /**
   * Adds this tree's per-dimension attribution of the score of `p` to `out`
   * (`out[2k]` = contribution of p[k] being high, `out[2k+1]` = being low); the entries
   * added sum to {@link score}.
   */
  attribution(p: Float32Array, out: Float64Array): void {
    this.walk(p, out);
  }

  /** Verifies boxes, masses and cut sides of the whole tree; returns the problems found. */
  checkInvariants(): string[] {
    const problems: string[] = [];
    if (this.root < 0) {
      if (this.total !== 0) problems.push(`empty tree has mass ${this.total}`);
      return problems;
    }
    const { a, dim } = this;
    const data = this.store.data;
    const walk = (node: number): { mass: number; lo: number[]; hi: number[] } => {
      if (node >= this.leafBase) {
        const leaf = node - this.leafBase;
        const qb = this.store.offset(i32(a.leafRef, leaf));
        const pt = Array.from(data.subarray(qb, qb + dim));
        const mass = i32(a.leafMass, leaf);
        if (mass < 1) problems.push(`leaf ${leaf} has mass < 1`);
        return { mass, lo: pt, hi: [...pt] };
      }
      const l = walk(i32(a.left, node));
      const r = walk(i32(a.right, node));
      const d = u16(a.cutDim, node);
      const c = f32(a.cutVal, node);
      if (!((l.hi[d] ?? NaN) <= c)) problems.push(`node ${node}: left side exceeds cut`);
      if (!((r.lo[d] ?? NaN) > c)) problems.push(`node ${node}: right side below cut`);
      const lo = l.lo.map((v, k) => Math.min(v, r.lo[k] ?? NaN));
      const hi = l.hi.map((v, k) => Math.max(v, r.hi[k] ?? NaN));
      if (node < this.cacheLimit) {
        for (let k = 0; k < dim; k += 1) {
          if (a.boxLo[node * dim + k] !== lo[k] || a.boxHi[node * dim + k] !== hi[k])
            problems.push(`node ${node}: box differs from union of children in dim ${k}`);
        }
      }
      return { mass: l.mass + r.mass, lo, hi };
    };
    const { mass } = walk(this.root);
    if (mass !== this.total) problems.push(`tree mass ${this.total} ≠ ${mass} in its leaves`);
    return problems;
  }

  /**
   * The one descent of insert, delete, score and attribution: follows the cuts from the root
   * for the point at `p[pb …]`, leaving internal nodes in `path[0 … depth)` and the leaf
   * reached in `path[depth]`; returns the depth. The tree must not be empty.
   */
  private descend(p: Float32Array, pb: number): number {
    const { left, right, cutDim, cutVal } = this.a;
    const path = this.s.path;
    let depth = 0;
    let node = this.root;
    while (node < this.leafBase) {
      path[depth] = node;
      depth += 1;
      node =
        f32(p, pb + u16(cutDim, node)) <= f32(cutVal, node) ? i32(left, node) : i32(right, node);
    }
    path[depth] = node;
    return depth;
  }

  /**
   * Score (returned) and, with `out`, attribution of `p`: descend, then mix upwards with the
   * probability that a random cut of each ancestor's box separates `p` (AWS's scoring).
   */
  private walk(p: Float32Array, out: Float64Array | null): number {
    if (this.root < 0) return 0;
    const { a, dim, s } = this;
    const data = this.store.data;
    const depth = this.descend(p, 0);
    const path = s.path;
    const leafNode = i32(path, depth);
    const leaf = leafNode - this.leafBase;
    const qb = this.store.offset(i32(a.leafRef, leaf));
    const total = this.total;
    const norm = Math.log2(1 + total);
    if (samePoint(p, 0, data, qb, dim)) {
      const m = i32(a.leafMass, leaf);
      const sd = (1 - m / (2 * total)) * (1 / (depth + Math.log2(1 + m))) * norm;
      if (out) for (let k = 0; k < 2 * dim; k += 1) out[k] = (out[k] ?? 0) + sd / (2 * dim);
      return sd;
    }
    let score = 1 / (depth + 1);
    const v = s.v;
    if (out) {
      const range = distance(p, 0, data, qb, dim);
      v.fill(0, 0, 2 * dim);
      for (let k = 0; k < dim; k += 1) {
        const diff = f32(p, k) - f32(data, qb + k);
        if (diff > 0) v[2 * k] = (diff / range) * score;
        else v[2 * k + 1] = (-diff / range) * score;
      }
    }
    const curLo = s.lo;
    const curHi = s.hi;
    curLo.set(data.subarray(qb, qb + dim));
    curHi.set(data.subarray(qb, qb + dim));
    let holds = leafNode; // the node whose box curLo/curHi hold
    for (let i = depth - 1; i >= 0; i -= 1) {
      const n = i32(path, i);
      let lo = a.boxLo;
      let hi = a.boxHi;
      let nb = n * dim;
      if (n >= this.cacheLimit) {
        const child = i32(path, i + 1);
        if (holds !== child) this.copyCached(child, curLo, curHi, 0);
        const sib = i32(a.left, n) === child ? i32(a.right, n) : i32(a.left, n);
        this.unionSubtree(sib, curLo, curHi, 0);
        holds = n;
        lo = curLo;
        hi = curHi;
        nb = 0;
      }
      let rangeB = 0;
      let rangeU = 0;
      for (let k = 0; k < dim; k += 1) {
        const l = f32(lo, nb + k);
        const h = f32(hi, nb + k);
        const q = f32(p, k);
        rangeB += h - l;
        rangeU += (q > h ? q : h) - (q < l ? q : l);
      }
      if (rangeU <= rangeB) break;
      const prob = (rangeU - rangeB) / rangeU;
      score = prob / (i + 1) + (1 - prob) * score;
      if (!out) continue;
      const su = 1 / (i + 1);
      for (let k = 0; k < dim; k += 1) {
        const l = f32(lo, nb + k);
        const h = f32(hi, nb + k);
        const q = f32(p, k);
        const high = q > h ? (q - h) / rangeU : 0;
        const low = q < l ? (l - q) / rangeU : 0;
        v[2 * k] = high * su + (1 - prob) * (v[2 * k] ?? 0);
        v[2 * k + 1] = low * su + (1 - prob) * (v[2 * k + 1] ?? 0);
      }
    }
    if (out) for (let k = 0; k < 2 * dim; k += 1) out[k] = (out[k] ?? 0) + (v[k] ?? 0) * norm;
    return score * norm;
  }

  /** Boxes of the uncached internal nodes of `path[0 … depth)` into the scratch rows, bottom-up. */
  private pathBoxes(depth: number, qb: number): void {
    const { a, dim, s } = this;
    const path = s.path;
    for (let i = depth - 1; i >= 0; i -= 1) {
      const n = i32(path, i);
      if (n < this.cacheLimit) continue;
      const child = i32(path, i + 1);
      const row = i * dim;
      if (child >= this.leafBase) {
        s.pathLo.set(this.store.data.subarray(qb, qb + dim), row);
        s.pathHi.set(this.store.data.subarray(qb, qb + dim), row);
      } else if (child < this.cacheLimit) {
        this.copyCached(child, s.pathLo, s.pathHi, row);
      } else {
        s.pathLo.copyWithin(row, row + dim, row + 2 * dim);
        s.pathHi.copyWithin(row, row + dim, row + 2 * dim);
      }
      const sib = i32(a.left, n) === child ? i32(a.right, n) : i32(a.left, n);
      this.unionSubtree(sib, s.pathLo, s.pathHi, row);
    }
  }

  /**
   * After a leaf and its parent left, shrinks the cached boxes of `path[top …0]` that held
   * the deleted point (at `store.data[pb …]`), from the box of `sibling` (which took the
   * parent's place) upwards; stops once an ancestor's box still contains the point.
   */
  private shrinkBoxes(top: number, sibling: number, pb: number): void {
    if (top < 0) return;
    const { a, dim, s } = this;
    const data = this.store.data;
    const lo = s.lo;
    const hi = s.hi;
    lo.fill(Infinity, 0, dim);
    hi.fill(-Infinity, 0, dim);
    this.unionSubtree(sibling, lo, hi, 0);
    let child = sibling;
    for (let i = top; i >= 0; i -= 1) {
      if (contains(lo, hi, data, pb, dim)) return;
      const n = i32(s.path, i);
      const other = i32(a.left, n) === child ? i32(a.right, n) : i32(a.left, n);
      this.unionSubtree(other, lo, hi, 0);
      if (contains(lo, hi, data, pb, dim)) return;
      if (n < this.cacheLimit) {
        a.boxLo.set(lo.subarray(0, dim), n * dim);
        a.boxHi.set(hi.subarray(0, dim), n * dim);
      }
      child = n;
    }
  }

  /** Unions the box of the subtree at `node` into `lo/hi[b …]` (cached boxes and leaves). */
  private unionSubtree(node: number, lo: Float32Array, hi: Float32Array, b: number): void {
    const { a, dim } = this;
    const data = this.store.data;
    const stack = this.s.stack;
    stack[0] = node;
    let sp = 1;
    while (sp > 0) {
      sp -= 1;
      const x = i32(stack, sp);
      let src: Float32Array;
      let srcHi: Float32Array;
      let sb: number;
      if (x >= this.leafBase) {
        src = srcHi = data;
        sb = this.store.offset(i32(a.leafRef, x - this.leafBase));
      } else if (x < this.cacheLimit) {
        src = a.boxLo;
        srcHi = a.boxHi;
        sb = x * dim;
      } else {
        stack[sp] = i32(a.left, x);
        stack[sp + 1] = i32(a.right, x);
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

  private copyCached(n: number, lo: Float32Array, hi: Float32Array, b: number): void {
    const nb = n * this.dim;
    lo.set(this.a.boxLo.subarray(nb, nb + this.dim), b);
    hi.set(this.a.boxHi.subarray(nb, nb + this.dim), b);
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

/** True if the points `p[pb …]` and `q[qb …]` are equal in every coordinate. */
function samePoint(p: Float32Array, pb: number, q: Float32Array, qb: number, dim: number): boolean {
  for (let k = 0; k < dim; k += 1) if (p[pb + k] !== q[qb + k]) return false;
  return true;
}

/** L1 distance of the points `p[pb …]` and `q[qb …]`. */
function distance(p: Float32Array, pb: number, q: Float32Array, qb: number, dim: number): number {
  let range = 0;
  for (let k = 0; k < dim; k += 1) range += Math.abs(f32(p, pb + k) - f32(q, qb + k));
  return range;
}

/** True if the box `lo/hi[0 …]` contains the point `p[pb …]`. */
function contains(lo: Float32Array, hi: Float32Array, p: Float32Array, pb: number, dim: number) {
  for (let k = 0; k < dim; k += 1) {
    const x = f32(p, pb + k);
    if (x < f32(lo, k) || x > f32(hi, k)) return false;
  }
  return true;
}
