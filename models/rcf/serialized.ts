/**
 * @module models/rcf/serialized
 * The JSON shapes of a serialized forest: version 2 (written since #16) and version 1
 * (read and converted by `codec-v1.ts`). Typed arrays travel as base64 of their bytes.
 */
import type { ResolvedForestOptions } from './forest.js';
import type { TreeArrays, TreeScalars } from './tree.js';

/** The serialized point store: values and per-point arrays up to their use, and capacities. */
export interface SerializedStore {
  readonly data: string;
  readonly dataCapacity: number;
  readonly loc: string;
  readonly refs: string;
  readonly indexCapacity: number;
  readonly freeHead: number;
  readonly used: number;
  readonly end: number;
  readonly lastLoc: number;
}

/** One serialized tree with its generator state and reservoir. */
export interface SerializedTree extends TreeScalars {
  readonly prng: number[];
  readonly arrays: Readonly<Record<keyof TreeArrays, string>>;
  readonly sampler: { readonly keys: string; readonly refs: string; readonly size: number };
}

/** The serialized form of a forest (plain JSON). */
export interface SerializedForest {
  readonly format: 'shardflow-rcf';
  readonly version: 2;
  readonly options: ResolvedForestOptions;
  readonly sequence: number;
  readonly shingle: number[];
  readonly shingleCount: number;
  readonly store: SerializedStore;
  readonly trees: readonly SerializedTree[];
}

/** The version 1 serialized form. */
export interface SerializedForestV1 {
  readonly format: 'shardflow-rcf';
  readonly version: 1;
  readonly options: Omit<ResolvedForestOptions, 'boundingBoxCacheFraction'>;
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
    readonly arrays: Readonly<Record<string, string>>;
    readonly sampler: { readonly keys: string; readonly refs: string; readonly size: number };
  }[];
}
