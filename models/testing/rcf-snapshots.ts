/**
 * @module models/testing/rcf-snapshots
 * Test-only helpers for corrupting serialized forests one field at a time: the typed-array
 * decoders of a tree's base64 arrays, the model with tree 1's cut values and cached boxes
 * patched, and the assertion that restore refuses a model with a `ConfigError` naming why.
 * Shared by the restore-check specs of `models/rcf`; not built into the package.
 */
import { ConfigError } from '../../core/index.js';
import { restoreForest } from '../rcf/index.js';
import type { SerializedForest } from '../rcf/codec.js';
import { fromBase64, toBase64 } from '../rcf/typed.js';

/** One serialized tree. */
export type SerializedTree = SerializedForest['trees'][number];

/** A base64 Int32 array of a snapshot, decoded (empty if absent). */
export const ints = (s: string): Int32Array => fromBase64(s, Int32Array) ?? new Int32Array(0);

/** A base64 Float32 array of a snapshot, decoded (empty if absent). */
export const floats = (s: string): Float32Array =>
  fromBase64(s, Float32Array) ?? new Float32Array(0);

/** Tree 1's cut values and cached box bounds, decoded for a patch. */
export interface TreeValues {
  cutVal: Float32Array;
  boxLo: Float32Array;
  boxHi: Float32Array;
}

/** The model with tree 1's cut values and cached boxes changed by `patch` (re-encoded after). */
export function withTreeValues(
  m: SerializedForest,
  patch: (v: TreeValues, t: SerializedTree) => void,
): SerializedForest {
  const t = m.trees[1] as SerializedTree;
  const v = {
    cutVal: floats(t.arrays.cutVal),
    boxLo: floats(t.arrays.boxLo),
    boxHi: floats(t.arrays.boxHi),
  };
  patch(v, t);
  const arrays = { ...t.arrays };
  for (const k of ['cutVal', 'boxLo', 'boxHi'] as const) arrays[k] = toBase64(v[k]);
  return { ...m, trees: [m.trees[0] as SerializedTree, { ...t, arrays }] };
}

/** Expects restore to refuse `m` with a `ConfigError` whose message matches `reason`. */
export function rejects(m: unknown, reason: RegExp): void {
  expect(() => restoreForest(m as SerializedForest)).toThrow(ConfigError);
  expect(() => restoreForest(m as SerializedForest)).toThrow(reason);
}
