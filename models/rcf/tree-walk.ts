/**
 * @module models/rcf/tree-walk
 * Scoring a point in one tree — AWS randomcutforest's expected inverse depth, and its
 * attribution per dimension — in one walk: descend to the leaf, then mix upwards with the
 * probability that a random cut of each ancestor's box separates the point. Also the
 * invariant check of a whole tree.
 */
import {
  copyBox,
  copyCached,
  descend,
  distance,
  leafMass,
  leafRef,
  samePoint,
  sibling,
  unionSubtree,
  type TreeView,
} from './tree-view.js';
import { dimAt, f32, f64, i32 } from './typed.js';

/**
 * Score (returned) and, with `out`, attribution of `p`: descend, then mix upwards with the
 * probability that a random cut of each ancestor's box separates `p` (AWS's scoring).
 */
export function walk(t: TreeView, p: Float32Array, out: Float64Array | null): number {
  if (t.root < 0) return 0;
  const { a, dim, s } = t;
  const data = t.store.data;
  const depth = descend(t, p, 0);
  const path = s.path;
  const leafNode = i32(path, depth);
  const leaf = leafNode - t.leafBase;
  const qb = t.store.offset(leafRef(t, leaf));
  const total = t.total;
  const norm = Math.log2(1 + total);
  if (samePoint(p, 0, data, qb, dim)) {
    const m = leafMass(t, leaf);
    const sd = (1 - m / (2 * total)) * (1 / (depth + Math.log2(1 + m))) * norm;
    if (out) for (let k = 0; k < 2 * dim; k += 1) out[k] = f64(out, k) + sd / (2 * dim);
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
  copyBox(data, data, qb, curLo, curHi, 0, dim);
  let holds = leafNode; // the node whose box curLo/curHi hold
  for (let i = depth - 1; i >= 0; i -= 1) {
    const n = i32(path, i);
    let lo = a.boxLo;
    let hi = a.boxHi;
    let nb = t.bb + n * dim;
    if (n >= t.cacheLimit) {
      const child = i32(path, i + 1);
      if (holds !== child) copyCached(t, child, curLo, curHi, 0);
      unionSubtree(t, sibling(t, n, child), curLo, curHi, 0);
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
      v[2 * k] = high * su + (1 - prob) * f64(v, 2 * k);
      v[2 * k + 1] = low * su + (1 - prob) * f64(v, 2 * k + 1);
    }
  }
  if (out) for (let k = 0; k < 2 * dim; k += 1) out[k] = f64(out, k) + f64(v, k) * norm;
  return score * norm;
}

/** Verifies boxes, masses and cut sides of the whole tree; returns the problems found. */
export function checkInvariants(t: TreeView): string[] {
  const problems: string[] = [];
  if (t.root < 0) {
    if (t.total !== 0) problems.push(`empty tree has mass ${t.total}`);
    return problems;
  }
  const { a, dim } = t;
  const data = t.store.data;
  const visit = (node: number): { mass: number; lo: number[]; hi: number[] } => {
    if (node >= t.leafBase) {
      const leaf = node - t.leafBase;
      const qb = t.store.offset(leafRef(t, leaf));
      const pt = Array.from(data.subarray(qb, qb + dim));
      const mass = leafMass(t, leaf);
      if (mass < 1) problems.push(`leaf ${leaf} has mass < 1`);
      return { mass, lo: pt, hi: [...pt] };
    }
    const x = t.ib + node;
    const l = visit(i32(a.left, x));
    const r = visit(i32(a.right, x));
    const d = dimAt(a.cutDim, x);
    const c = f32(a.cutVal, x);
    if (!((l.hi[d] ?? NaN) <= c)) problems.push(`node ${node}: left side exceeds cut`);
    if (!((r.lo[d] ?? NaN) > c)) problems.push(`node ${node}: right side below cut`);
    const lo = l.lo.map((v, k) => Math.min(v, r.lo[k] ?? NaN));
    const hi = l.hi.map((v, k) => Math.max(v, r.hi[k] ?? NaN));
    if (node < t.cacheLimit) {
      for (let k = 0; k < dim; k += 1) {
        const b = t.bb + node * dim + k;
        if (a.boxLo[b] !== lo[k] || a.boxHi[b] !== hi[k])
          problems.push(`node ${node}: box differs from union of children in dim ${k}`);
      }
    }
    return { mass: l.mass + r.mass, lo, hi };
  };
  const { mass } = visit(t.root);
  if (mass !== t.total) problems.push(`tree mass ${t.total} ≠ ${mass} in its leaves`);
  return problems;
}
