/**
 * @module models/rcf/tree-check
 * The structural check of one serialized tree before it is loaded into the forest's shared
 * arrays (`tree-arrays.ts`). All trees live in the same arrays at per-tree offsets, so a
 * corrupt or hand-made snapshot with a node id out of its tree's range would make that tree
 * read and write its neighbours' nodes; restore must reject it instead. One pass over the
 * nodes: the free lists, then the tree from its root, each node marked once — every id in
 * range, every node either in the tree or free (never both, never twice), every leaf's point
 * reference within the point store, the leaf masses ≥ 1 and summing to the tree's mass.
 */
import { i32 } from './typed.js';
import type { TreeArrays, TreeScalars } from './tree-view.js';

/** The sizes {@link treeProblem} checks against. */
export interface TreeLimits {
  /** Internal node slots (capacity − 1, at least 1). */
  readonly internal: number;
  /** Leaves (the sample size); leaf ids run from `capacity − 1`. */
  readonly capacity: number;
  /** Point indices the store hands out (a leaf's reference must be below). */
  readonly points: number;
}

/** Whether `v` is an integer in `lo … hi-1`. */
const within = (v: number, lo: number, hi: number): boolean =>
  Number.isInteger(v) && v >= lo && v < hi;

/**
 * Why the serialized tree does not fit (a sentence naming the first problem), or undefined
 * if it is well formed. Array lengths must already fit the limits.
 */
export function treeProblem(
  arrays: TreeArrays,
  scalars: TreeScalars,
  limits: TreeLimits,
): string | undefined {
  const { internal, capacity, points } = limits;
  const { left, right, leafRef, leafMass } = arrays;
  const leafBase = capacity - 1;
  const ids = leafBase + capacity;
  // slot of a node: internal n → n, leaf id l → internal + l − leafBase
  const seen = new Uint8Array(internal + capacity);
  let marked = 0;
  // the free lists, each followed at most once per node (a cycle meets a marked node)
  const freeList = (head: number, next: Int32Array, n: number, base: number, what: string) => {
    for (let x = head; x !== -1; x = i32(next, x)) {
      if (!within(x, 0, n)) return `free ${what} ${x} outside 0…${n - 1} (−1: none)`;
      if (seen[base + x]) return `free ${what} ${x} listed twice`;
      seen[base + x] = 1;
      marked += 1;
    }
    return undefined;
  };
  const free =
    freeList(scalars.freeInternal, left, internal, 0, 'internal node') ??
    freeList(scalars.freeLeaf, leafRef, capacity, internal, 'leaf');
  if (free) return free;
  if (!within(scalars.mass, 0, 2 ** 31)) return `mass ${scalars.mass} is not a count`;
  const root = scalars.root;
  if (root !== -1 && !within(root, 0, ids)) return `root ${root} outside 0…${ids - 1} (−1: none)`;
  // the tree from its root: each node pushed once when first reached
  const stack = new Int32Array(internal + capacity);
  let top = 0;
  const reach = (id: number, from: string): string | undefined => {
    if (!within(id, 0, ids)) return `${from} ${id} outside 0…${ids - 1}`;
    const slot = id < leafBase ? id : internal + id - leafBase;
    if (seen[slot]) return `${from} ${id} is free or reached twice`;
    seen[slot] = 1;
    marked += 1;
    stack[top] = id;
    top += 1;
    return undefined;
  };
  let mass = 0;
  let problem = root === -1 ? undefined : reach(root, 'root');
  while (!problem && top > 0) {
    top -= 1;
    const id = i32(stack, top);
    if (id < leafBase) {
      problem =
        reach(i32(left, id), `left child of node ${id}`) ??
        reach(i32(right, id), `right child of node ${id}`);
      continue;
    }
    const ref = i32(leafRef, id - leafBase);
    const m = i32(leafMass, id - leafBase);
    if (!within(ref, 0, points)) problem = `leaf ${id} holds point ${ref}, outside 0…${points - 1}`;
    else if (m < 1) problem = `leaf ${id} has mass ${m}`;
    mass += m;
  }
  if (problem) return problem;
  if (marked !== internal + capacity)
    return `${internal + capacity - marked} nodes neither in the tree nor free`;
  if (mass !== scalars.mass) return `mass ${scalars.mass}, but its leaves hold ${mass}`;
  return undefined;
}
