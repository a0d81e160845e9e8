/**
 * @module models/rcf/tree
 * One random cut tree over a sample of points (Guha et al., ICML 2016), stored in node
 * pools of typed arrays: internal nodes `0 … capacity-2` with a cut (dimension, value), a
 * mass and a cached bounding box; leaves `capacity-1 … 2·capacity-2` with a point
 * reference and a mass (> 1 for duplicates). Insertion draws range-weighted random cuts
 * top-down, so the tree is distributed as if built from scratch on the sample; deletion is
 * exact. Scoring is the expected-inverse-depth score of AWS's randomcutforest (not CoDisp).
 * Invariants (checked by `checkInvariants`): every internal box is exactly the union of
 * its children's boxes, every mass the sum of its children's masses, and every point left
 * of a cut has coordinate ≤ the cut value, every point right of it >.
 */
import type { PointStore } from './point-store.js';
import type { Prng } from '../../core/index.js';

/** The typed arrays of a tree, as serialized. */
export interface TreeArrays {
  left: Int32Array;
  right: Int32Array;
  cutDim: Int32Array;
  cutVal: Float64Array;
  mass: Int32Array;
  boxLo: Float32Array;
  boxHi: Float32Array;
  leafRef: Int32Array;
  leafMass: Int32Array;
  freeInternal: Int32Array;
  freeLeaf: Int32Array;
}

/** Scalar state of a tree, as serialized. */
export interface TreeScalars {
  root: number;
  freeInternalCount: number;
  freeLeafCount: number;
}

/** A random cut tree with exact insert/delete and AWS-style scoring. */
export class RandomCutTree {
  readonly a: TreeArrays;
  root = -1;
  private freeInternalCount: number;
  private freeLeafCount: number;
  private readonly path: Int32Array;
  private readonly leafBase: number;
  private readonly dim: number;

  constructor(
    readonly capacity: number,
    private readonly store: PointStore,
    private readonly random: Prng,
    arrays?: TreeArrays,
    scalars?: TreeScalars,
  ) {
    const dim = store.dimensions;
    this.dim = dim;
    this.leafBase = capacity - 1;
    const ni = Math.max(1, capacity - 1);
    this.a = arrays ?? {
      left: new Int32Array(ni),
      right: new Int32Array(ni),
      cutDim: new Int32Array(ni),
      cutVal: new Float64Array(ni),
      mass: new Int32Array(ni),
      boxLo: new Float32Array(ni * dim),
      boxHi: new Float32Array(ni * dim),
      leafRef: new Int32Array(capacity),
      leafMass: new Int32Array(capacity),
      freeInternal: Int32Array.from({ length: ni }, (_, i) => ni - 1 - i),
      freeLeaf: Int32Array.from({ length: capacity }, (_, i) => capacity - 1 - i),
    };
    this.freeInternalCount = scalars?.freeInternalCount ?? ni;
    this.freeLeafCount = scalars?.freeLeafCount ?? capacity;
    if (scalars) this.root = scalars.root;
    this.path = new Int32Array(capacity + 1);
  }

  /** Scalar state for serialization. */
  scalars(): TreeScalars {
    return {
      root: this.root,
      freeInternalCount: this.freeInternalCount,
      freeLeafCount: this.freeLeafCount,
    };
  }

  /** Number of points (with multiplicity) in the tree. */
  mass(): number {
    if (this.root < 0) return 0;
    return this.massOf(this.root);
  }

  /** Bytes held by the node pools. */
  byteSize(): number {
    let n = this.path.byteLength;
    for (const v of Object.values(this.a)) n += (v as ArrayBufferView).byteLength;
    return n;
  }

  /** True if `id` is a leaf. */
  isLeaf(id: number): boolean {
    return id >= this.leafBase;
  }

  /** Inserts the stored point `ref` (the tree retains it if it makes a new leaf). */
  insert(ref: number): void {
    const a = this.a;
    const dim = this.dim;
    const data = this.store.data;
    const pb = ref * dim;
    if (this.root < 0) {
      this.root = this.newLeaf(ref);
      return;
    }
    let node = this.root;
    let parent = -1;
    for (;;) {
      if (node >= this.leafBase) {
        const leaf = node - this.leafBase;
        const qb = (a.leafRef[leaf] as number) * dim;
        let same = true;
        for (let k = 0; k < dim; k += 1) {
          if (data[pb + k] !== data[qb + k]) {
            same = false;
            break;
          }
        }
        if (same) {
          a.leafMass[leaf] = (a.leafMass[leaf] as number) + 1;
          return;
        }
        // Lo/hi of the union of two distinct points; a cut always separates them.
        let range = 0;
        for (let k = 0; k < dim; k += 1)
          range += Math.abs((data[pb + k] as number) - (data[qb + k] as number));
        let r = this.random.next() * range;
        let d = -1;
        let c = 0;
        for (let k = 0; k < dim; k += 1) {
          const p = data[pb + k] as number;
          const q = data[qb + k] as number;
          const lo = p < q ? p : q;
          const w = p < q ? q - p : p - q;
          if (w <= 0) continue;
          d = k;
          if (r < w) {
            c = lo + r;
            if (c >= lo + w) c = lo;
            break;
          }
          r -= w;
          c = lo;
        }
        const n = this.newInternal();
        const nb = n * dim;
        for (let k = 0; k < dim; k += 1) {
          const p = data[pb + k] as number;
          const q = data[qb + k] as number;
          a.boxLo[nb + k] = p < q ? p : q;
          a.boxHi[nb + k] = p < q ? q : p;
        }
        a.cutDim[n] = d;
        a.cutVal[n] = c;
        a.mass[n] = (a.leafMass[leaf] as number) + 1;
        const fresh = this.newLeaf(ref);
        if ((data[pb + d] as number) <= c) {
          a.left[n] = fresh;
          a.right[n] = node;
        } else {
          a.left[n] = node;
          a.right[n] = fresh;
        }
        this.replaceChild(parent, node, n);
        return;
      }
      const nb = node * dim;
      let rangeB = 0;
      let rangeU = 0;
      for (let k = 0; k < dim; k += 1) {
        const lo = a.boxLo[nb + k] as number;
        const hi = a.boxHi[nb + k] as number;
        const p = data[pb + k] as number;
        rangeB += hi - lo;
        rangeU += (p > hi ? p : hi) - (p < lo ? p : lo);
      }
      if (rangeU > rangeB) {
        let r = this.random.next() * rangeU;
        let d = -1;
        let c = 0;
        for (let k = 0; k < dim; k += 1) {
          const lo0 = a.boxLo[nb + k] as number;
          const hi0 = a.boxHi[nb + k] as number;
          const p = data[pb + k] as number;
          const lo = p < lo0 ? p : lo0;
          const w = (p > hi0 ? p : hi0) - lo;
          if (w <= 0) continue;
          d = k;
          if (r < w) {
            c = lo + r;
            if (c >= lo + w) c = lo;
            break;
          }
          r -= w;
          c = lo;
        }
        const p = data[pb + d] as number;
        const lo0 = a.boxLo[nb + d] as number;
        const hi0 = a.boxHi[nb + d] as number;
        if ((p < lo0 && c < lo0) || (p > hi0 && c >= hi0)) {
          const n = this.newInternal();
          const b = n * dim;
          for (let k = 0; k < dim; k += 1) {
            const q = data[pb + k] as number;
            const lo = a.boxLo[nb + k] as number;
            const hi = a.boxHi[nb + k] as number;
            a.boxLo[b + k] = q < lo ? q : lo;
            a.boxHi[b + k] = q > hi ? q : hi;
          }
          a.cutDim[n] = d;
          a.cutVal[n] = c;
          a.mass[n] = (a.mass[node] as number) + 1;
          const fresh = this.newLeaf(ref);
          if (p <= c) {
            a.left[n] = fresh;
            a.right[n] = node;
          } else {
            a.left[n] = node;
            a.right[n] = fresh;
          }
          this.replaceChild(parent, node, n);
          return;
        }
        for (let k = 0; k < dim; k += 1) {
          const q = data[pb + k] as number;
          if (q < (a.boxLo[nb + k] as number)) a.boxLo[nb + k] = q;
          if (q > (a.boxHi[nb + k] as number)) a.boxHi[nb + k] = q;
        }
      }
      a.mass[node] = (a.mass[node] as number) + 1;
      parent = node;
      node =
        (data[pb + (a.cutDim[node] as number)] as number) <= (a.cutVal[node] as number)
          ? (a.left[node] as number)
          : (a.right[node] as number);
    }
  }

  /** Removes one copy of the stored point `ref` (which must be in the tree). */
  delete(ref: number): void {
    const a = this.a;
    const dim = this.dim;
    const data = this.store.data;
    const pb = ref * dim;
    const path = this.path;
    let depth = 0;
    let node = this.root;
    while (node >= 0 && node < this.leafBase) {
      path[depth] = node;
      depth += 1;
      node =
        (data[pb + (a.cutDim[node] as number)] as number) <= (a.cutVal[node] as number)
          ? (a.left[node] as number)
          : (a.right[node] as number);
    }
    if (node < 0) throw new Error('rcf: delete from an empty tree');
    const leaf = node - this.leafBase;
    const qb = (a.leafRef[leaf] as number) * dim;
    for (let k = 0; k < dim; k += 1) {
      if (data[pb + k] !== data[qb + k]) throw new Error('rcf: deleted point is not in the tree');
    }
    for (let i = 0; i < depth; i += 1) {
      const n = path[i] as number;
      a.mass[n] = (a.mass[n] as number) - 1;
    }
    const left = (a.leafMass[leaf] as number) - 1;
    a.leafMass[leaf] = left;
    if (left > 0) return;
    this.store.release(a.leafRef[leaf] as number);
    this.freeLeaf(node);
    if (depth === 0) {
      this.root = -1;
      return;
    }
    const parent = path[depth - 1] as number;
    const sibling = (a.left[parent] === node ? a.right[parent] : a.left[parent]) as number;
    const grand = depth >= 2 ? (path[depth - 2] as number) : -1;
    this.replaceChild(grand, parent, sibling);
    this.freeInternal(parent);
    for (let i = depth - 2; i >= 0; i -= 1) {
      if (!this.recomputeBox(path[i] as number)) break;
    }
  }

  /** The normalized expected-inverse-depth score of `p` (float32 coordinates). */
  score(p: Float32Array): number {
    if (this.root < 0) return 0;
    const a = this.a;
    const dim = this.dim;
    const data = this.store.data;
    const path = this.path;
    let depth = 0;
    let node = this.root;
    while (node < this.leafBase) {
      path[depth] = node;
      depth += 1;
      node =
        (p[a.cutDim[node] as number] as number) <= (a.cutVal[node] as number)
          ? (a.left[node] as number)
          : (a.right[node] as number);
    }
    const total = this.massOf(this.root);
    const leaf = node - this.leafBase;
    const qb = (a.leafRef[leaf] as number) * dim;
    let same = true;
    for (let k = 0; k < dim; k += 1) {
      if (p[k] !== data[qb + k]) {
        same = false;
        break;
      }
    }
    const norm = Math.log2(1 + total);
    if (same) {
      const m = a.leafMass[leaf] as number;
      return (1 - m / (2 * total)) * (1 / (depth + Math.log2(1 + m))) * norm;
    }
    let s = 1 / (depth + 1);
    for (let i = depth - 1; i >= 0; i -= 1) {
      const n = path[i] as number;
      const nb = n * dim;
      let rangeB = 0;
      let rangeU = 0;
      for (let k = 0; k < dim; k += 1) {
        const lo = a.boxLo[nb + k] as number;
        const hi = a.boxHi[nb + k] as number;
        const q = p[k] as number;
        rangeB += hi - lo;
        rangeU += (q > hi ? q : hi) - (q < lo ? q : lo);
      }
      if (rangeU <= rangeB) break;
      const prob = (rangeU - rangeB) / rangeU;
      s = prob / (i + 1) + (1 - prob) * s;
    }
    return s * norm;
  }

  /**
   * Adds this tree's per-dimension attribution of the score of `p` to `out`
   * (`out[2k]` = contribution of p[k] being high, `out[2k+1]` = being low); the entries
   * added sum to {@link score}.
   */
  attribution(p: Float32Array, out: Float64Array): void {
    if (this.root < 0) return;
    const a = this.a;
    const dim = this.dim;
    const data = this.store.data;
    const path = this.path;
    let depth = 0;
    let node = this.root;
    while (node < this.leafBase) {
      path[depth] = node;
      depth += 1;
      node =
        (p[a.cutDim[node] as number] as number) <= (a.cutVal[node] as number)
          ? (a.left[node] as number)
          : (a.right[node] as number);
    }
    const total = this.massOf(this.root);
    const norm = Math.log2(1 + total);
    const leaf = node - this.leafBase;
    const qb = (a.leafRef[leaf] as number) * dim;
    let range = 0;
    for (let k = 0; k < dim; k += 1) range += Math.abs((p[k] as number) - (data[qb + k] as number));
    const v = new Float64Array(2 * dim);
    if (range === 0) {
      const m = a.leafMass[leaf] as number;
      const s = (1 - m / (2 * total)) * (1 / (depth + Math.log2(1 + m))) * norm;
      for (let k = 0; k < 2 * dim; k += 1) out[k] = (out[k] as number) + s / (2 * dim);
      return;
    }
    const s0 = 1 / (depth + 1);
    for (let k = 0; k < dim; k += 1) {
      const diff = (p[k] as number) - (data[qb + k] as number);
      if (diff > 0) v[2 * k] = (diff / range) * s0;
      else v[2 * k + 1] = (-diff / range) * s0;
    }
    for (let i = depth - 1; i >= 0; i -= 1) {
      const n = path[i] as number;
      const nb = n * dim;
      let rangeB = 0;
      let rangeU = 0;
      for (let k = 0; k < dim; k += 1) {
        const lo = a.boxLo[nb + k] as number;
        const hi = a.boxHi[nb + k] as number;
        const q = p[k] as number;
        rangeB += hi - lo;
        rangeU += (q > hi ? q : hi) - (q < lo ? q : lo);
      }
      if (rangeU <= rangeB) break;
      const prob = (rangeU - rangeB) / rangeU;
      const su = 1 / (i + 1);
      for (let k = 0; k < dim; k += 1) {
        const lo = a.boxLo[nb + k] as number;
        const hi = a.boxHi[nb + k] as number;
        const q = p[k] as number;
        const high = q > hi ? (q - hi) / rangeU : 0;
        const low = q < lo ? (lo - q) / rangeU : 0;
        v[2 * k] = high * su + (1 - prob) * (v[2 * k] as number);
        v[2 * k + 1] = low * su + (1 - prob) * (v[2 * k + 1] as number);
      }
    }
    for (let k = 0; k < 2 * dim; k += 1) out[k] = (out[k] as number) + (v[k] as number) * norm;
  }

  /** Verifies boxes, masses and cut sides of the whole tree; returns the problems found. */
  checkInvariants(): string[] {
    const problems: string[] = [];
    if (this.root < 0) return problems;
    const dim = this.dim;
    const lo = new Float64Array(dim);
    const hi = new Float64Array(dim);
    const walk = (node: number): { mass: number; lo: Float64Array; hi: Float64Array } => {
      if (node >= this.leafBase) {
        const leaf = node - this.leafBase;
        const qb = (this.a.leafRef[leaf] as number) * dim;
        const pt = Float64Array.from(this.store.data.subarray(qb, qb + dim));
        if ((this.a.leafMass[leaf] as number) < 1) problems.push(`leaf ${leaf} has mass < 1`);
        return { mass: this.a.leafMass[leaf] as number, lo: pt, hi: Float64Array.from(pt) };
      }
      const l = walk(this.a.left[node] as number);
      const r = walk(this.a.right[node] as number);
      const d = this.a.cutDim[node] as number;
      const c = this.a.cutVal[node] as number;
      if (!((l.hi[d] as number) <= c)) problems.push(`node ${node}: left side exceeds cut`);
      if (!((r.lo[d] as number) > c)) problems.push(`node ${node}: right side below cut`);
      if ((this.a.mass[node] as number) !== l.mass + r.mass)
        problems.push(`node ${node}: mass ${this.a.mass[node]} ≠ ${l.mass + r.mass}`);
      for (let k = 0; k < dim; k += 1) {
        lo[k] = Math.min(l.lo[k] as number, r.lo[k] as number);
        hi[k] = Math.max(l.hi[k] as number, r.hi[k] as number);
        if (this.a.boxLo[node * dim + k] !== lo[k] || this.a.boxHi[node * dim + k] !== hi[k])
          problems.push(`node ${node}: box differs from union of children in dim ${k}`);
      }
      return { mass: l.mass + r.mass, lo: Float64Array.from(lo), hi: Float64Array.from(hi) };
    };
    walk(this.root);
    return problems;
  }

  private massOf(id: number): number {
    return id >= this.leafBase
      ? (this.a.leafMass[id - this.leafBase] as number)
      : (this.a.mass[id] as number);
  }

  private replaceChild(parent: number, old: number, fresh: number): void {
    if (parent < 0) this.root = fresh;
    else if (this.a.left[parent] === old) this.a.left[parent] = fresh;
    else this.a.right[parent] = fresh;
  }

  /** Recomputes the box of internal `n` from its children; true if it changed. */
  private recomputeBox(n: number): boolean {
    const a = this.a;
    const dim = this.dim;
    const data = this.store.data;
    const l = a.left[n] as number;
    const r = a.right[n] as number;
    let changed = false;
    for (let k = 0; k < dim; k += 1) {
      let lo: number;
      let hi: number;
      if (l >= this.leafBase) {
        lo = hi = data[(a.leafRef[l - this.leafBase] as number) * dim + k] as number;
      } else {
        lo = a.boxLo[l * dim + k] as number;
        hi = a.boxHi[l * dim + k] as number;
      }
      if (r >= this.leafBase) {
        const q = data[(a.leafRef[r - this.leafBase] as number) * dim + k] as number;
        if (q < lo) lo = q;
        if (q > hi) hi = q;
      } else {
        const rl = a.boxLo[r * dim + k] as number;
        const rh = a.boxHi[r * dim + k] as number;
        if (rl < lo) lo = rl;
        if (rh > hi) hi = rh;
      }
      if (a.boxLo[n * dim + k] !== lo || a.boxHi[n * dim + k] !== hi) {
        a.boxLo[n * dim + k] = lo;
        a.boxHi[n * dim + k] = hi;
        changed = true;
      }
    }
    return changed;
  }

  private newLeaf(ref: number): number {
    this.freeLeafCount -= 1;
    const leaf = this.a.freeLeaf[this.freeLeafCount] as number;
    this.a.leafRef[leaf] = ref;
    this.a.leafMass[leaf] = 1;
    this.store.retain(ref);
    return leaf + this.leafBase;
  }

  private freeLeaf(id: number): void {
    this.a.freeLeaf[this.freeLeafCount] = id - this.leafBase;
    this.freeLeafCount += 1;
  }

  private newInternal(): number {
    this.freeInternalCount -= 1;
    return this.a.freeInternal[this.freeInternalCount] as number;
  }

  private freeInternal(id: number): void {
    this.a.freeInternal[this.freeInternalCount] = id;
    this.freeInternalCount += 1;
  }
}
