/**
 * @module models/rcf/codec
 * JSON form of a Random Cut Forest: options, the per-tree generator states, the point
 * store, every tree's node pools and every reservoir, typed arrays as base64 of their
 * bytes. Invariant: `restoreForest(serializeForest(f))` has exactly the state of `f`, so
 * it produces identical scores and identical future updates.
 */
import { ConfigError } from '../../core/index.js';
import { RandomCutForest, resolveForestOptions, type ResolvedForestOptions } from './forest.js';
import { PointStore } from './point-store.js';
import { sfc32, type Prng, type PrngFactory } from '../../core/index.js';
import { Sampler } from './sampler.js';
import { RandomCutTree, type TreeArrays } from './tree.js';

/** The serialized form of a forest (plain JSON). */
export interface SerializedForest {
  readonly format: 'shardflow-rcf';
  readonly version: 1;
  readonly options: ResolvedForestOptions;
  readonly sequence: number;
  readonly shingle: number[];
  readonly shingleCount: number;
  readonly store: {
    readonly data: string;
    readonly refs: string;
    readonly free: string;
    readonly freeCount: number;
    readonly used: number;
  };
  readonly trees: readonly {
    readonly prng: number[];
    readonly root: number;
    readonly freeInternalCount: number;
    readonly freeLeafCount: number;
    readonly arrays: Readonly<Record<keyof TreeArrays, string>>;
    readonly sampler: { readonly keys: string; readonly refs: string; readonly size: number };
  }[];
}

type Typed = Int32Array | Float32Array | Float64Array;
type TypedCtor<T extends Typed> = { new (buffer: ArrayBuffer): T; BYTES_PER_ELEMENT: number };

const b64 = (a: Typed): string =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

function fromB64<T extends Typed>(s: string, ctor: TypedCtor<T>): T {
  const bytes = new Uint8Array(Buffer.from(s, 'base64'));
  if (bytes.byteLength % ctor.BYTES_PER_ELEMENT !== 0)
    throw new ConfigError('model', 'corrupt typed array in serialized forest');
  return new ctor(bytes.buffer);
}

const TREE_ARRAY_TYPES: Readonly<Record<keyof TreeArrays, TypedCtor<Typed>>> = {
  left: Int32Array,
  right: Int32Array,
  cutDim: Int32Array,
  cutVal: Float64Array,
  mass: Int32Array,
  boxLo: Float32Array,
  boxHi: Float32Array,
  leafRef: Int32Array,
  leafMass: Int32Array,
  freeInternal: Int32Array,
  freeLeaf: Int32Array,
};

/** Serializes a forest to plain JSON-compatible data. */
export function serializeForest(forest: RandomCutForest): SerializedForest {
  const p = forest.internals;
  return {
    format: 'shardflow-rcf',
    version: 1,
    options: p.options,
    sequence: p.sequence,
    shingle: Array.from(p.shingle),
    shingleCount: p.shingleCount,
    store: {
      data: b64(p.store.data),
      refs: b64(p.store.refs),
      free: b64(p.store.free),
      freeCount: p.store.freeCount,
      used: p.store.used,
    },
    trees: p.trees.map((tree, t) => {
      const sampler = p.samplers[t] as Sampler;
      const arrays = Object.fromEntries(
        Object.entries(tree.a).map(([k, v]) => [k, b64(v as Typed)]),
      ) as Record<keyof TreeArrays, string>;
      return {
        prng: (p.prngs[t] as Prng).state(),
        ...tree.scalars(),
        arrays,
        sampler: { keys: b64(sampler.keys), refs: b64(sampler.refs), size: sampler.size },
      };
    }),
  };
}

/** Restores a forest from {@link serializeForest} output (throws ConfigError if malformed). */
export function restoreForest(data: SerializedForest, prng: PrngFactory = sfc32): RandomCutForest {
  if (data?.format !== 'shardflow-rcf' || data.version !== 1)
    throw new ConfigError('model', 'not a shardflow-rcf version 1 model');
  const options = resolveForestOptions(data.options);
  const dims = options.dimensions * options.shingleSize;
  if (data.trees.length !== options.numberOfTrees)
    throw new ConfigError('model', 'tree count does not match numberOfTrees');
  const store = new PointStore(dims, 0);
  store.data = fromB64(data.store.data, Float32Array);
  store.refs = fromB64(data.store.refs, Int32Array);
  store.free = fromB64(data.store.free, Int32Array);
  store.freeCount = data.store.freeCount;
  store.used = data.store.used;
  const prngs: Prng[] = [];
  const trees: RandomCutTree[] = [];
  const samplers: Sampler[] = [];
  for (const t of data.trees) {
    const g = prng(t.prng);
    prngs.push(g);
    const arrays = Object.fromEntries(
      Object.entries(TREE_ARRAY_TYPES).map(([k, ctor]) => [
        k,
        fromB64(t.arrays[k as keyof TreeArrays], ctor),
      ]),
    ) as unknown as TreeArrays;
    trees.push(
      new RandomCutTree(options.sampleSize, store, g, arrays, {
        root: t.root,
        freeInternalCount: t.freeInternalCount,
        freeLeafCount: t.freeLeafCount,
      }),
    );
    samplers.push(
      new Sampler(
        options.sampleSize,
        options.timeDecay,
        g,
        fromB64(t.sampler.keys, Float64Array),
        fromB64(t.sampler.refs, Int32Array),
        t.sampler.size,
      ),
    );
  }
  return new RandomCutForest(options, {
    options,
    store,
    trees,
    samplers,
    prngs,
    sequence: data.sequence,
    shingle: Float64Array.from(data.shingle),
    shingleCount: data.shingleCount,
  });
}
