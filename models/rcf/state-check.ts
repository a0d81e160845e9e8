/**
 * @module models/rcf/state-check
 * The checks of a serialized forest's values besides each tree's structure (`tree-check.ts`):
 * the point store (sizes and capacities, every value finite, each live point's values inside
 * the array, the free list, reference counts ≥ 1 for live points), the reservoirs (keys
 * finite and a max-heap, references within the store), the reference counts against the
 * leaves and reservoir entries that really hold each point, and the forest's scalars. A
 * corrupt or hand-made model would otherwise restore and score silently wrong (NaN values,
 * a point read from another point's values, a point freed while a leaf still holds it) or
 * throw a RangeError/TypeError later; restore turns each into a ConfigError naming the
 * field, before the store is allocated. Each check is one pass over its array.
 */
import type { ResolvedForestOptions } from './forest.js';
import type { SerializedStore } from './serialized.js';
import { f32, f64, i32 } from './typed.js';

/** The decoded arrays of a serialized store. */
export interface StoreArrays {
  readonly data: Float32Array;
  readonly loc: Int32Array;
  readonly refs: Int32Array;
}

const MAX_INT32 = 2 ** 31 - 1;

const count = (v: unknown): boolean =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_INT32;

/**
 * Why the serialized store does not fit the forest `o` (a sentence naming the field), or
 * undefined. Capacities are bounded by what the store can reach (index capacity: twice the
 * most points the trees and reservoirs can hold; values: four times the indices' worth), so
 * a corrupt capacity cannot make restore allocate gigabytes.
 */
export function storeProblem(
  s: SerializedStore,
  a: StoreArrays,
  o: ResolvedForestOptions,
): string | undefined {
  const dims = o.dimensions * o.shingleSize;
  const whole = o.shingleSize === 1;
  for (const k of ['dataCapacity', 'indexCapacity', 'used', 'end'] as const)
    if (!count(s[k])) return `store.${k} ${s[k]} is not a count`;
  for (const k of ['freeHead', 'lastLoc'] as const)
    if (!(count(s[k]) || s[k] === -1)) return `store.${k} ${s[k]} is not a count or −1`;
  const { dataCapacity, indexCapacity, used, end, freeHead, lastLoc } = s;
  const indexLimit = 2 * Math.max(4, 2 * o.sampleSize, o.numberOfTrees * o.sampleSize + 1);
  if (indexCapacity > indexLimit)
    return `store.indexCapacity ${indexCapacity} above ${indexLimit} (the forest holds at most half)`;
  const dataLimit = 4 * (indexCapacity + 1) * dims;
  if (dataCapacity > dataLimit)
    return `store.dataCapacity ${dataCapacity} above ${dataLimit} (4 × indexCapacity + 1 points)`;
  if (whole && dataCapacity < indexCapacity * dims)
    return `store.dataCapacity ${dataCapacity} below indexCapacity × ${dims} (each index owns a slot)`;
  if (used > indexCapacity) return `store.used ${used} above store.indexCapacity ${indexCapacity}`;
  if (end > dataCapacity) return `store.end ${end} above store.dataCapacity ${dataCapacity}`;
  if (a.data.length < end || a.data.length > dataCapacity)
    return `store.data has ${a.data.length} values, not from store.end ${end} to store.dataCapacity`;
  for (const k of ['loc', 'refs'] as const)
    if (a[k].length !== used) return `store.${k} has ${a[k].length} values, not store.used ${used}`;
  if (lastLoc !== -1 && lastLoc > end - dims)
    return `store.lastLoc ${lastLoc} above store.end − ${dims}`;
  for (let i = 0; i < a.data.length; i += 1)
    if (!Number.isFinite(f32(a.data, i)))
      return `store.data[${i}] ${f32(a.data, i)} is not a finite number`;
  const free = new Uint8Array(used);
  if (freeHead >= used) return `store.freeHead ${freeHead} outside 0…${used - 1} (−1: none)`;
  for (let x = freeHead, at = 'store.freeHead'; x !== -1;) {
    if (free[x] !== 0) return `${at} ${x}: point ${x} listed twice on the free list`;
    free[x] = 1;
    if (i32(a.refs, x) !== 0) return `store.refs[${x}] ${i32(a.refs, x)} for a free point (not 0)`;
    const next = -2 - i32(a.loc, x);
    at = `store.loc[${x}]`;
    if (next < -1 || next >= used)
      return `${at} ${i32(a.loc, x)} links a free point to ${next}, outside 0…${used - 1} (−1: none)`;
    x = next;
  }
  for (let i = 0; i < used; i += 1) {
    if (free[i] !== 0) continue;
    const r = i32(a.refs, i);
    if (r < 1) return `store.refs[${i}] ${r} for a point not on the free list (not ≥ 1)`;
    const l = i32(a.loc, i);
    if (whole ? l !== i * dims : l < 0 || l > end - dims)
      return whole
        ? `store.loc[${i}] ${l}, not the point's slot ${i * dims}`
        : `store.loc[${i}] ${l} outside 0…store.end − ${dims} (${end - dims})`;
  }
  return undefined;
}

/**
 * Why reservoir entries `0 … size-1` do not fit (keys finite, a max-heap on the key, point
 * references below `points`), or undefined; counts each entry at its point in `refCounts`.
 * The size itself is checked by `Reservoirs.load`.
 */
export function samplerProblem(
  keys: Float64Array,
  refs: Int32Array,
  size: number,
  refCounts: Int32Array,
): string | undefined {
  const n = Math.min(size, keys.length, refs.length);
  for (let i = 0; i < n; i += 1) {
    const key = f64(keys, i);
    if (!Number.isFinite(key)) return `keys[${i}] ${key} is not a finite number`;
    const parent = (i - 1) >> 1;
    if (i > 0 && key > f64(keys, parent))
      return `keys[${i}] ${key} above its parent keys[${parent}] ${f64(keys, parent)} (not a max-heap)`;
    const ref = i32(refs, i);
    if (ref < 0 || ref >= refCounts.length)
      return `refs[${i}] ${ref} outside 0…${refCounts.length - 1}`;
    refCounts[ref] = i32(refCounts, ref) + 1;
  }
  return undefined;
}

/**
 * Why the store's reference counts differ from `held` (per point: the leaves and reservoir
 * entries holding it, counted by the tree and sampler checks), or undefined. A count too low
 * would free a point still in a tree (its index then reused for another point); too high
 * would keep it forever.
 */
export function refCountProblem(refs: Int32Array, held: Int32Array): string | undefined {
  for (let i = 0; i < refs.length; i += 1)
    if (i32(refs, i) !== i32(held, i))
      return `store.refs[${i}] ${i32(refs, i)}, but ${i32(held, i)} leaves and reservoir entries hold point ${i}`;
  return undefined;
}

/** The forest-level fields of a serialized forest besides the store and trees. */
export interface ForestScalars {
  readonly sequence: unknown;
  readonly shingle: unknown;
  readonly shingleCount: unknown;
}

/**
 * Why `sequence`, `shingle` (the last `dimensions × shingleSize` inputs, finite) or
 * `shingleCount` (0 … shingleSize) do not fit the forest `o`, or undefined.
 */
export function scalarsProblem(f: ForestScalars, o: ResolvedForestOptions): string | undefined {
  const dims = o.dimensions * o.shingleSize;
  const { sequence, shingle, shingleCount } = f;
  if (!(typeof sequence === 'number' && Number.isSafeInteger(sequence) && sequence >= 0))
    return `sequence ${String(sequence)} is not a count`;
  if (!Array.isArray(shingle) || shingle.length !== dims)
    return `shingle is not an array of ${dims} numbers`;
  const bad = shingle.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) return `shingle[${bad}] ${String(shingle[bad])} is not a finite number`;
  if (!(count(shingleCount) && (shingleCount as number) <= o.shingleSize))
    return `shingleCount ${String(shingleCount)} is not a count up to shingleSize ${o.shingleSize}`;
  return undefined;
}

/** True if `w` is an sfc32 state word (uint32, or as an int32: older models kept one signed). */
export const isWord = (w: unknown): boolean =>
  typeof w === 'number' && Number.isInteger(w) && w >= -(2 ** 31) && w < 2 ** 32;
