/**
 * @module models/rcf/tree-check
 * The structural check of one serialized tree before it is loaded into the forest's shared
 * arrays (`tree-arrays.ts`). All trees live in the same arrays at per-tree offsets, so a
 * corrupt or hand-made snapshot with a node id out of its tree's range would make that tree
 * read and write its neighbours' nodes; restore must reject it instead. One pass over the
 * nodes: the free lists, then the tree from its root, each node marked once — every id in
 * range, every node either in the tree or free (never both, never twice), every leaf's point
 * reference within the point store, the leaf masses ≥ 1 and summing to the tree's mass —
 * and the values of each internal node in the tree: its cut value finite and, if its box is
 * cached, the box finite with lo ≤ hi and the cut inside it on the cut's dimension
 * (lo ≤ cut < hi: its left subtree's points are ≤ the cut, its right subtree's >, and the box
 * holds both; a NaN cut sends every point right and a NaN bound poisons every score).
 * Free nodes' values are stale and overwritten when the node is reused: not checked. Then,
 * given the store, every point on its side of each cut and each cached box exact
 * (`tree-sides.ts`).
 */
import { dimAt, f32, i32 } from './typed.js';
import type { TreeArrays, TreeScalars } from './tree-view.js';
import { sidesProblem } from './tree-sides.js';

/** The sizes {@link treeProblem} checks against. */
export interface TreeLimits {
  /** Internal node slots (capacity − 1, at least 1). */
  readonly internal: number;
  /** Leaves (the sample size); leaf ids run from `capacity − 1`. */
  readonly capacity: number;
  /** Point indices the store hands out (a leaf's reference must be below). */
  readonly points: number;
  /** Internal nodes with an id below this have a cached box (`dimensions` values each). */
  readonly cacheLimit: number;
  /** Dimensions of a point (cut dimensions are already checked below this). */
  readonly dimensions: number;
  /** If not null, each leaf in the tree adds 1 at its point (the store's reference counts). */
  readonly refCounts: Int32Array | null;
  /** If not null, the store's points: each on its side of every cut (`tree-sides.ts`). */
  readonly store: { readonly data: Float32Array; readonly loc: Int32Array } | null;
}

/** The mark of a free node in the check's working memory (a node in the tree is 1). */
const FREE = 2;

// Working memory of the check, grown as needed (restores run one at a time per process).
let seenMemory = new Uint8Array(0);
let stackMemory = new Int32Array(0);

/** `n` zeroed marks. */
function scratch(n: number): Uint8Array {
  if (seenMemory.length < n) seenMemory = new Uint8Array(n);
  seenMemory.fill(0, 0, n);
  return seenMemory;
}

/** A stack of at least `n` node ids. */
function stackOf(n: number): Int32Array {
  if (stackMemory.length < n) stackMemory = new Int32Array(n);
  return stackMemory;
}

/** Whether `v` is an integer in `lo … hi-1`. */
const within = (v: number, lo: number, hi: number): boolean =>
  Number.isInteger(v) && v >= lo && v < hi;

/**
 * Marks the free list from `head` (linked through `next`, ids `0 … n-1`, −1 ends it) in
 * `seen[base …]`; returns the nodes marked, or the problem. A loop meets a marked node.
 */
function markFree(
  seen: Uint8Array,
  head: number,
  next: Int32Array,
  n: number,
  base: number,
  what: string,
): number | string {
  let marked = 0;
  if (head !== -1 && !within(head, 0, n)) return `free ${what} ${head} outside 0…${n - 1}`;
  for (let x = head; x !== -1; x = i32(next, x)) {
    if (x < 0 || x >= n) return `free ${what} ${x} outside 0…${n - 1} (−1: none)`;
    if (seen[base + x] !== 0) return `free ${what} ${x} listed twice`;
    seen[base + x] = FREE;
    marked += 1;
  }
  return marked;
}

/** Marks node `id` (in range) seen; false if it already was (free, or reached before). */
function claim(seen: Uint8Array, id: number, leafBase: number, internal: number): boolean {
  // slot of a node: internal n → n, leaf id l → internal + l − leafBase
  const slot = id < leafBase ? id : internal + id - leafBase;
  if (seen[slot] !== 0) return false;
  seen[slot] = 1;
  return true;
}

/**
 * Whether the box `lo/hi[b …]` is finite with lo ≤ hi and holds `c` on dimension `d`
 * (lo ≤ c < hi): the fast path of {@link boxProblem}, which says what is wrong.
 */
function boxFits(lo: Float32Array, hi: Float32Array, b: number, dim: number, d: number, c: number) {
  // direct reads, not typed.ts's shared f32: its element-access feedback is shared by all
  // the forest's callers, and code optimized after them ran this loop ~10× slower
  for (let k = 0; k < dim; k += 1) {
    const l = lo[b + k] as number;
    const h = hi[b + k] as number;
    // false for NaN in either, −∞ as lo or +∞ as hi (and lo > hi); ±∞ in both is one of these
    if (!(l <= h && l !== -Infinity && h !== Infinity)) return false;
  }
  return (lo[b + d] as number) <= c && c < (hi[b + d] as number);
}

/**
 * Why internal node `id`'s cached box is not usable (finite, lo ≤ hi, its finite cut inside
 * it on the cut's dimension), or undefined: the message of a {@link boxFits} failure.
 */
function boxProblem(arrays: TreeArrays, id: number, dim: number): string | undefined {
  const c = f32(arrays.cutVal, id);
  const { boxLo, boxHi } = arrays;
  for (let k = 0; k < dim; k += 1) {
    const lo = f32(boxLo, id * dim + k);
    const hi = f32(boxHi, id * dim + k);
    if (!Number.isFinite(lo)) return `node ${id}: boxLo[${k}] ${lo} is not a finite number`;
    if (!Number.isFinite(hi)) return `node ${id}: boxHi[${k}] ${hi} is not a finite number`;
    if (lo > hi) return `node ${id}: boxLo[${k}] ${lo} above boxHi[${k}] ${hi}`;
  }
  const d = dimAt(arrays.cutDim, id);
  const lo = f32(boxLo, id * dim + d);
  const hi = f32(boxHi, id * dim + d);
  if (!(lo <= c && c < hi))
    return `node ${id}: cutVal ${c} outside its box [${lo}, ${hi}) on dimension ${d}`;
  return undefined;
}

/**
 * Why the serialized tree does not fit (a sentence naming the first problem), or undefined
 * if it is well formed. Array lengths must already fit the limits. Messages are built only
 * on a problem: this runs for every node of every restored forest.
 */
export function treeProblem(
  arrays: TreeArrays,
  scalars: TreeScalars,
  limits: TreeLimits,
): string | undefined {
  const { internal, capacity, points } = limits;
  const { left, right, leafRef, leafMass } = arrays;
  const refCounts = limits.refCounts;
  const loc = limits.store?.loc;
  const leafBase = capacity - 1;
  const ids = leafBase + capacity;
  const seen = scratch(internal + capacity);
  const freeI = markFree(seen, scalars.freeInternal, left, internal, 0, 'internal node');
  if (typeof freeI === 'string') return freeI;
  const freeL = markFree(seen, scalars.freeLeaf, leafRef, capacity, internal, 'leaf');
  if (typeof freeL === 'string') return freeL;
  if (!within(scalars.mass, 0, 2 ** 31)) return `mass ${scalars.mass} is not a count`;
  const root = scalars.root;
  if (root !== -1 && !within(root, 0, ids)) return `root ${root} outside 0…${ids - 1} (−1: none)`;
  if (root !== -1 && !claim(seen, root, leafBase, internal)) return `root ${root} is free`;
  let marked = freeI + freeL + (root === -1 ? 0 : 1);
  let mass = 0;
  // the tree from its root, depth first: each node pushed once, when first reached
  const stack = stackOf(internal + capacity);
  let top = 0;
  if (root !== -1) stack[top++] = root;
  while (top > 0) {
    const id = i32(stack, --top);
    if (id >= leafBase) {
      const ref = i32(leafRef, id - leafBase);
      const m = i32(leafMass, id - leafBase);
      if (ref < 0 || ref >= points) return `leaf ${id} holds point ${ref}, outside 0…${points - 1}`;
      if (m < 1) return `leaf ${id} has mass ${m}`;
      // a free point's offset is its free-list link (< 0)
      if (loc && i32(loc, ref) < 0) return `leaf ${id} holds point ${ref}, which is free`;
      mass += m;
      if (refCounts) refCounts[ref] = i32(refCounts, ref) + 1;
      continue;
    }
    const l = i32(left, id);
    const r = i32(right, id);
    if (l < 0 || l >= ids) return `left child of node ${id} ${l} outside 0…${ids - 1}`;
    if (r < 0 || r >= ids) return `right child of node ${id} ${r} outside 0…${ids - 1}`;
    if (!claim(seen, l, leafBase, internal))
      return `left child of node ${id} ${l} is free or reached twice`;
    if (!claim(seen, r, leafBase, internal))
      return `right child of node ${id} ${r} is free or reached twice`;
    stack[top++] = l;
    stack[top++] = r;
    marked += 2;
  }
  if (marked !== internal + capacity)
    return `${internal + capacity - marked} nodes neither in the tree nor free`;
  if (mass !== scalars.mass) return `mass ${scalars.mass}, but its leaves hold ${mass}`;
  const values = valuesProblem(arrays, seen, internal, limits);
  if (values || !limits.store) return values;
  const { cacheLimit, dimensions } = limits;
  const sides = { internal, capacity, cacheLimit, dimensions, ...limits.store };
  return sidesProblem(arrays, root, sides);
}

/**
 * Why the cut values or cached boxes of the tree's internal nodes (`seen` not FREE) are not
 * usable, or undefined. Cuts and boxes in loops of their own, outside {@link treeProblem}:
 * a branch the engine optimized without ever taking (a forest without cached boxes restored
 * first) would otherwise deoptimize it on every later call.
 */
function valuesProblem(
  arrays: TreeArrays,
  seen: Uint8Array,
  internal: number,
  limits: TreeLimits,
): string | undefined {
  const cutVal = arrays.cutVal;
  const { cacheLimit, dimensions } = limits;
  const cached = cacheLimit < internal ? cacheLimit : internal;
  for (let id = 0; id < internal; id += 1) {
    const c = f32(cutVal, id);
    if (seen[id] !== FREE && !Number.isFinite(c))
      return `node ${id}: cutVal ${c} is not a finite number`;
  }
  return cached > 0 ? boxesProblem(arrays, seen, cached, dimensions) : undefined;
}

/** {@link valuesProblem} for the cached boxes of nodes `0 … cached-1`. */
function boxesProblem(
  arrays: TreeArrays,
  seen: Uint8Array,
  cached: number,
  dim: number,
): string | undefined {
  const { cutVal, cutDim, boxLo, boxHi } = arrays;
  for (let id = 0; id < cached; id += 1) {
    if (seen[id] === FREE) continue;
    const c = f32(cutVal, id);
    if (!boxFits(boxLo, boxHi, id * dim, dim, dimAt(cutDim, id), c))
      return boxProblem(arrays, id, dim) ?? `node ${id}: cut or box does not fit`;
  }
  return undefined;
}
