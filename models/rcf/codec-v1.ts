/**
 * @module models/rcf/codec-v1
 * Reads version 1 serialized forests (written before #16: every internal node with a box,
 * a mass and a float64 cut, free lists as stacks, every point stored whole) as version 2
 * data. The trees keep their shape, cuts and leaves, so the converted forest scores as the
 * version 1 forest did; boxes beyond the cache fraction are dropped (computed when needed),
 * cut values become float32 rounded down (the same side for every float32 point).
 */
import { ConfigError } from '../../core/index.js';
import { DEFAULT_CACHE_FRACTION, type ResolvedForestOptions } from './forest.js';
import type { SerializedForest, SerializedForestV1, SerializedTree } from './serialized.js';
import { floatBelow } from './tree-scratch.js';
import { fromBase64, i32, toBase64, type Typed, type TypedCtor } from './typed.js';

function decode<T extends Typed>(s: string | undefined, ctor: TypedCtor<T>): T {
  const a = typeof s === 'string' ? fromBase64(s, ctor) : undefined;
  if (!a) throw new ConfigError('model', 'corrupt typed array in serialized forest');
  return a;
}

/**
 * A free stack (top at `count − 1`) as a chain through `next` (returns its head). Its
 * entries must be distinct ids below `next.length` (ConfigError naming `what`): a repeated
 * one would chain a loop, and the conversion's walks along the chain would never end.
 */
function chain(stack: Int32Array, count: number, next: Int32Array, what: string): number {
  if (!(Number.isInteger(count) && count >= 0 && count <= stack.length))
    throw new ConfigError('model', `${what} count ${count} outside 0…${stack.length}`);
  const seen = new Uint8Array(next.length);
  for (let j = 0; j < count; j += 1) {
    const id = i32(stack, j);
    if (!(id >= 0 && id < next.length) || seen[id] !== 0)
      throw new ConfigError(
        'model',
        `${what}[${j}] ${id} outside 0…${next.length - 1} or repeated`,
      );
    seen[id] = 1;
  }
  let head = -1;
  for (let j = 0; j < count; j += 1) {
    const id = i32(stack, j);
    next[id] = head;
    head = id;
  }
  return head;
}

/** Converts a version 1 forest to the version 2 form (same trees, same scores). */
export function migrateV1(v1: SerializedForestV1): SerializedForest {
  const options: ResolvedForestOptions = {
    ...v1.options,
    boundingBoxCacheFraction: DEFAULT_CACHE_FRACTION,
  };
  const dims = options.dimensions * options.shingleSize;
  const capacity = options.sampleSize;
  const ni = Math.max(1, capacity - 1);
  const cached = Math.floor(options.boundingBoxCacheFraction * ni);
  const refs = decode(v1.store.refs, Int32Array);
  const loc = Int32Array.from(refs, (_, i) => i * dims);
  const freeHead = chain(decode(v1.store.free, Int32Array), v1.store.freeCount, loc, 'store.free');
  // free indices hold −2 − next in `loc`
  for (let i = freeHead; i >= 0;) {
    const next = i32(loc, i);
    loc[i] = -2 - next;
    refs[i] = 0;
    i = next;
  }
  const data = decode(v1.store.data, Float32Array);
  const trees = v1.trees.map((t): SerializedTree => {
    const a = t.arrays;
    const left = decode(a.left, Int32Array);
    const leafRef = decode(a.leafRef, Int32Array);
    const leafMass = decode(a.leafMass, Int32Array);
    const mass = decode(a.mass, Int32Array);
    const cutVal = decode(a.cutVal, Float64Array);
    const freeInternal = chain(
      decode(a.freeInternal, Int32Array),
      t.freeInternalCount,
      left,
      'freeInternal',
    );
    const freeLeaf = chain(decode(a.freeLeaf, Int32Array), t.freeLeafCount, leafRef, 'freeLeaf');
    for (let l = freeLeaf; l >= 0; l = i32(leafRef, l)) leafMass[l] = 0;
    const root = t.root;
    const total =
      root < 0 ? 0 : root >= capacity - 1 ? i32(leafMass, root - capacity + 1) : i32(mass, root);
    return {
      prng: t.prng,
      root,
      freeInternal,
      freeLeaf,
      mass: total,
      arrays: {
        left: toBase64(left),
        right: toBase64(decode(a.right, Int32Array)),
        cutDim: toBase64(Uint16Array.from(decode(a.cutDim, Int32Array))),
        cutVal: toBase64(Float32Array.from(cutVal, (c) => floatBelow(c))),
        leafRef: toBase64(leafRef),
        leafMass: toBase64(leafMass),
        boxLo: toBase64(decode(a.boxLo, Float32Array).subarray(0, cached * dims)),
        boxHi: toBase64(decode(a.boxHi, Float32Array).subarray(0, cached * dims)),
      },
      sampler: t.sampler,
    };
  });
  return {
    format: 'shardflow-rcf',
    version: 2,
    options,
    sequence: v1.sequence,
    shingle: v1.shingle,
    shingleCount: v1.shingleCount,
    store: {
      data: v1.store.data,
      dataCapacity: data.length,
      loc: toBase64(loc.subarray(0, v1.store.used)),
      refs: toBase64(refs.subarray(0, v1.store.used)),
      indexCapacity: loc.length,
      freeHead,
      used: v1.store.used,
      end: v1.store.used * dims,
      lastLoc: -1,
    },
    trees,
  };
}
