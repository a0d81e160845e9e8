/**
 * @module models/rcf/tree-arrays
 * The memory layout of a forest's trees: one typed array per kind for all trees (tree t's
 * internal nodes at `t · internal`, leaves at `t · capacity`, cached boxes at
 * `t · cacheLimit · dim`), all views on one buffer, plus four scalars per tree (root, free
 * heads, mass). A typed-array view costs about 96 bytes of heap and a buffer about 90: per
 * tree they were a quarter of a small forest's memory. Also each tree's slice as the codec
 * writes and reads it (the serialized form is per tree, unchanged).
 */
import { i32 } from './typed.js';
import type { TreeArrays, TreeScalars } from './tree-view.js';
import { treeProblem } from './tree-check.js';

/** The sizes of one tree's parts, in elements. */
export interface TreeShape {
  /** Internal nodes (capacity − 1, at least 1). */
  readonly internal: number;
  /** Leaves (the sample size). */
  readonly capacity: number;
  /** Values of the cached boxes (cached nodes × dimensions), each of lo and hi. */
  readonly boxValues: number;
  /** Dimensions of a point: up to 256 a cut dimension takes one byte, else two. */
  readonly dimensions: number;
}

/** The node arrays of `count` empty trees (free lists chained in order) and their scalars. */
export function allocateTrees(
  count: number,
  shape: TreeShape,
): { a: TreeArrays; scalars: Int32Array } {
  const n = count * shape.internal;
  const m = count * shape.capacity;
  const boxes = count * shape.boxValues;
  const dimBytes = shape.dimensions <= 256 ? 1 : 2;
  // one buffer; the 1- or 2-byte cut dimensions last keep the 4-byte arrays aligned
  const buffer = new ArrayBuffer(4 * (3 * n + 2 * m + 2 * boxes + 4 * count) + dimBytes * n);
  let at = 0;
  const take = <T>(
    ctor: new (b: ArrayBuffer, o: number, k: number) => T,
    k: number,
    size: number,
  ) => {
    const view = new ctor(buffer, at, k);
    at += k * size;
    return view;
  };
  const left = take(Int32Array, n, 4);
  const right = take(Int32Array, n, 4);
  const leafRef = take(Int32Array, m, 4);
  const leafMass = take(Int32Array, m, 4);
  const cutVal = take(Float32Array, n, 4);
  const boxLo = take(Float32Array, boxes, 4);
  const boxHi = take(Float32Array, boxes, 4);
  const scalars = take(Int32Array, 4 * count, 4);
  const cutDim = dimBytes === 1 ? take(Uint8Array, n, 1) : take(Uint16Array, n, 2);
  const { internal: ni, capacity } = shape;
  for (let t = 0; t < count; t += 1) {
    for (let i = 0; i < ni; i += 1) left[t * ni + i] = i + 1 < ni ? i + 1 : -1;
    for (let i = 0; i < capacity; i += 1) leafRef[t * capacity + i] = i + 1 < capacity ? i + 1 : -1;
    scalars[4 * t] = -1; // no root; free heads 0, mass 0
  }
  // the serialized key order
  return { a: { left, right, cutDim, cutVal, leafRef, leafMass, boxLo, boxHi }, scalars };
}

/** Tree t's node arrays (views on the forest's: for serialization, not hot paths). */
export function treeSlice(a: TreeArrays, shape: TreeShape, t: number): TreeArrays {
  const at = <T extends Int32Array | Float32Array | Uint16Array | Uint8Array>(
    v: T,
    per: number,
  ): T => v.subarray(t * per, (t + 1) * per) as T;
  const { internal: ni, capacity, boxValues } = shape;
  return {
    left: at(a.left, ni),
    right: at(a.right, ni),
    cutDim: at(a.cutDim, ni),
    cutVal: at(a.cutVal, ni),
    leafRef: at(a.leafRef, capacity),
    leafMass: at(a.leafMass, capacity),
    boxLo: at(a.boxLo, boxValues),
    boxHi: at(a.boxHi, boxValues),
  };
}

/** Tree t's scalars. */
export function scalarsOf(scalars: Int32Array, t: number): TreeScalars {
  const o = 4 * t;
  return {
    root: i32(scalars, o),
    freeInternal: i32(scalars, o + 1),
    freeLeaf: i32(scalars, o + 2),
    mass: i32(scalars, o + 3),
  };
}

/**
 * Sets tree t to serialized arrays and scalars. Returns why they do not fit (nothing
 * changed): an array's length does not fit the shape, a cut names a dimension the points do
 * not have, a node id, free-list link or point reference is out of range
 * (`tree-check.ts`: trees share the arrays, so one out of range would reach a neighbour's
 * nodes), or a cut value or cached box is not finite or not around its cut; undefined once
 * loaded. `refCounts`, if given, counts the tree's leaves per point; `store`, if given, has
 * every point checked on its side of each cut and each cached box checked exact.
 */
export function loadTree(
  a: TreeArrays,
  scalars: Int32Array,
  shape: TreeShape,
  t: number,
  from: {
    arrays: TreeArrays;
    scalars: TreeScalars;
    points: number;
    refCounts?: Int32Array;
    store?: { data: Float32Array; loc: Int32Array };
  },
): string | undefined {
  const mine = treeSlice(a, shape, t);
  const keys = Object.keys(mine) as (keyof TreeArrays)[];
  const short = keys.find((k) => from.arrays[k].length !== mine[k].length);
  if (short) return `${short} has ${from.arrays[short].length} values, not ${mine[short].length}`;
  if (from.arrays.cutDim.some((d) => d >= shape.dimensions))
    return `a cut names a dimension ≥ ${shape.dimensions}`;
  const { internal, capacity } = shape;
  const problem = treeProblem(from.arrays, from.scalars, {
    internal,
    capacity,
    points: from.points,
    cacheLimit: shape.boxValues / shape.dimensions,
    dimensions: shape.dimensions,
    refCounts: from.refCounts ?? null,
    store: from.store ?? null,
  });
  if (problem) return problem;
  for (const k of keys) mine[k].set(from.arrays[k]);
  const s = from.scalars;
  scalars.set([s.root, s.freeInternal, s.freeLeaf, s.mass], 4 * t);
  return undefined;
}
