/**
 * @module models/rcf/codec
 * JSON form of a Random Cut Forest: options, the per-tree generator states, the point
 * store, every tree's node arrays and every reservoir, typed arrays as base64 of their
 * bytes. Version 2 (bounding boxes cached for a fraction of the nodes, shingles stored
 * once); version 1 models (every box cached, whole points) are converted on restore and
 * score as they did. Invariant: `restoreForest(serializeForest(f))` has exactly the state of
 * `f`, so it produces identical scores and identical future updates. Restore checks what it
 * reads (`state-check.ts` the store, reservoirs and scalars, `tree-check.ts` and
 * `tree-sides.ts` each tree): a corrupt or hand-made model is a ConfigError naming the field.
 */
import { ConfigError } from '../../core/index.js';
import {
  forestParts,
  RandomCutForest,
  resolveForestOptions,
  type ResolvedForestOptions,
} from './forest.js';
import { PointStore } from './point-store.js';
import type { TreeArrays } from './tree.js';
import { fromBase64, toBase64, type Typed, type TypedCtor } from './typed.js';
import { migrateV1 } from './codec-v1.js';
import {
  isWord,
  refCountProblem,
  samplerProblem,
  scalarsProblem,
  storeProblem,
} from './state-check.js';
import type { SerializedForest, SerializedForestV1, SerializedStore } from './serialized.js';

export type { SerializedForest, SerializedForestV1 } from './serialized.js';

const TREE_ARRAY_TYPES: Readonly<Record<keyof TreeArrays, TypedCtor<Typed>>> = {
  left: Int32Array,
  right: Int32Array,
  cutDim: Uint16Array,
  cutVal: Float32Array,
  leafRef: Int32Array,
  leafMass: Int32Array,
  boxLo: Float32Array,
  boxHi: Float32Array,
};

function decode<T extends Typed>(s: string, ctor: TypedCtor<T>): T {
  const a = typeof s === 'string' ? fromBase64(s, ctor) : undefined;
  if (!a) throw new ConfigError('model', 'corrupt typed array in serialized forest');
  return a;
}

const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null;

/** Serializes a forest to plain JSON-compatible data. */
export function serializeForest(forest: RandomCutForest): SerializedForest {
  const p = forest.internals;
  const s = p.store;
  return {
    format: 'shardflow-rcf',
    version: 2,
    options: p.options,
    sequence: p.sequence,
    shingle: Array.from(p.shingle),
    shingleCount: p.shingleCount,
    store: {
      data: toBase64(s.data.subarray(0, s.end)),
      dataCapacity: s.data.length,
      loc: toBase64(s.loc.subarray(0, s.used)),
      refs: toBase64(s.refs.subarray(0, s.used)),
      indexCapacity: s.loc.length,
      freeHead: s.freeHead,
      used: s.used,
      end: s.end,
      lastLoc: s.lastLoc,
    },
    trees: Array.from({ length: p.trees.count }, (_, t) => {
      const arrays = Object.fromEntries(
        Object.entries(p.trees.arraysOf(t)).map(([k, v]) => [
          k,
          // cut dimensions serialize as Uint16 whatever their width in the forest
          toBase64(v instanceof Uint8Array ? Uint16Array.from(v) : (v as Typed)),
        ]),
      ) as Record<keyof TreeArrays, string>;
      return {
        prng: Array.from(p.words.subarray(4 * t, 4 * t + 4)),
        ...p.trees.scalars(t),
        arrays,
        sampler: {
          keys: toBase64(p.reservoirs.keysOf(t)),
          refs: toBase64(p.reservoirs.refsOf(t)),
          size: p.reservoirs.size(t),
        },
      };
    }),
  };
}

/** The store of a serialized forest, checked (`state-check.ts`) before it is allocated. */
function restoreStore(s: SerializedStore, o: ResolvedForestOptions): PointStore {
  if (!isObject(s)) throw new ConfigError('model', 'store is missing');
  const a = {
    data: decode(s.data, Float32Array),
    loc: decode(s.loc, Int32Array),
    refs: decode(s.refs, Int32Array),
  };
  const problem = storeProblem(s, a, o);
  if (problem) throw new ConfigError('model', `serialized store does not fit: ${problem}`);
  const store = new PointStore(o.dimensions * o.shingleSize, o.dimensions, 0);
  store.data = new Float32Array(s.dataCapacity);
  store.data.set(a.data);
  store.loc = new Int32Array(s.indexCapacity);
  store.loc.set(a.loc);
  store.refs = new Int32Array(s.indexCapacity);
  store.refs.set(a.refs);
  store.freeHead = s.freeHead;
  store.used = s.used;
  store.end = s.end;
  store.lastLoc = s.lastLoc;
  return store;
}

/**
 * A version 1 model converted; its fields missing or of the wrong kind (a `TypeError` or
 * `RangeError` inside the conversion) are a malformed model, a ConfigError like any other.
 * The converted model is then checked as a version 2 one.
 */
function fromV1(v1: SerializedForestV1): SerializedForest {
  try {
    return migrateV1(v1);
  } catch (e) {
    if (e instanceof TypeError || e instanceof RangeError)
      throw new ConfigError('model', `malformed version 1 model: ${e.message}`);
    throw e;
  }
}

/**
 * Restores a forest from {@link serializeForest} output, or from a version 1 model
 * (throws ConfigError if malformed).
 */
export function restoreForest(serialized: SerializedForest | SerializedForestV1): RandomCutForest {
  if (serialized?.format !== 'shardflow-rcf' || ![1, 2].includes(serialized.version))
    throw new ConfigError('model', 'not a shardflow-rcf version 1 or 2 model');
  const data = serialized.version === 1 ? fromV1(serialized) : serialized;
  if (typeof data.options !== 'object' || data.options === null)
    throw new ConfigError('model', 'serialized forest has no options');
  const options = resolveForestOptions(data.options);
  if (!Array.isArray(data.trees) || data.trees.length !== options.numberOfTrees)
    throw new ConfigError('model', 'tree count does not match numberOfTrees');
  const scalarProblem = scalarsProblem(data, options);
  if (scalarProblem) throw new ConfigError('model', `serialized forest: ${scalarProblem}`);
  const parts = forestParts(options, restoreStore(data.store, options));
  // per point, the leaves and reservoir entries holding it (= its reference count)
  const held = new Int32Array(parts.store.used);
  data.trees.forEach((t, i) => {
    if (!isObject(t) || !isObject(t.arrays) || !isObject(t.sampler))
      throw new ConfigError(
        'model',
        `serialized tree ${i} is not an object with arrays and sampler`,
      );
    if (!Array.isArray(t.prng) || t.prng.length !== 4 || !t.prng.every(isWord))
      throw new ConfigError('model', `corrupt generator state in serialized tree ${i}`);
    parts.words.set(t.prng, 4 * i);
    const arrays = Object.fromEntries(
      Object.entries(TREE_ARRAY_TYPES).map(([k, ctor]) => [
        k,
        decode(t.arrays[k as keyof TreeArrays], ctor),
      ]),
    ) as unknown as TreeArrays;
    const { root, freeInternal, freeLeaf, mass } = t;
    const keys = decode(t.sampler.keys, Float64Array);
    const refs = decode(t.sampler.refs, Int32Array);
    const problem = parts.trees.load(i, arrays, { root, freeInternal, freeLeaf, mass }, held);
    if (problem)
      throw new ConfigError(
        'model',
        `serialized tree ${i} does not fit the forest options: ${problem}`,
      );
    const entries = samplerProblem(keys, refs, t.sampler.size, held);
    if (entries)
      throw new ConfigError(
        'model',
        `serialized sampler ${i} does not fit the forest options: ${entries}`,
      );
    const points = Math.min(parts.store.used, parts.store.loc.length);
    // every reservoir entry is one point (with multiplicity) in its tree
    if (!parts.reservoirs.load(i, keys, refs, t.sampler.size, points) || t.sampler.size !== mass)
      throw new ConfigError('model', `serialized sampler ${i} does not fit the forest options`);
  });
  const counts = refCountProblem(parts.store.refs.subarray(0, parts.store.used), held);
  if (counts) throw new ConfigError('model', `serialized store does not fit: ${counts}`);
  return new RandomCutForest(options, {
    ...parts,
    sequence: data.sequence,
    shingle: Float64Array.from(data.shingle),
    shingleCount: data.shingleCount,
  });
}
