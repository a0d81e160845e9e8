/**
 * @module pipelines/runtime/chain-models
 * The per-key models of a reading chain and where their state lives. The thresholder of a
 * key (its running score statistics) is keyed state: snapshotted with the checkpoint,
 * restored exactly. The Random Cut Forest of a key is *derived* state: it is rebuilt, on
 * the key's first point in a session, by feeding it the shingles of the key's restored
 * look-back ring (the same warm-up the 60-window replay used to give it) — an exact forest
 * snapshot costs about 1 MB per key (50 trees × 64 points), the ring a few kB.
 */
import {
  RandomCutForest,
  Thresholder,
  type RandomCutForestOptions,
  type ThresholderOptions,
  type ThresholderState,
} from '../../models/index.js';
import type { KeyedModels } from '../../operators/index.js';
import type { KeyedStateBackend, ValueCodec } from '../state/index.js';
import type { Ring } from './lookback.js';

/** Codec of a thresholder as keyed state: its running statistics. */
export function thresholderCodec(options: ThresholderOptions = {}): ValueCodec<Thresholder> {
  return {
    encode: (t) => ({ ...t.state }),
    decode: (json) => new Thresholder(options, json as ThresholderState),
  };
}

/** Options of {@link chainModels}. */
export interface ChainModelsOptions {
  readonly state: KeyedStateBackend;
  /** State name prefix (the pipeline's name). */
  readonly name: string;
  readonly rings: { get(key: string): Ring | undefined };
  readonly forest: RandomCutForestOptions;
  readonly thresholder?: ThresholderOptions;
  /** The model features of a look-back (the shingle). */
  readonly features: (history: readonly Readonly<Record<string, number>>[]) => number[];
}

/**
 * Per-key forests and thresholders for `scoreAnomalies` (see module doc).
 * @example `scoreAnomalies({ ..., models: chainModels({ state, name: 'devices', rings, forest, features }) })`
 */
export function chainModels(options: ChainModelsOptions): KeyedModels {
  const { state, name, rings, forest, thresholder = {}, features } = options;
  const thresholders = state.register(`${name}.thresholder`, thresholderCodec(thresholder));
  const forests = new Map<string, RandomCutForest>();
  return {
    forest(key) {
      let f = forests.get(key);
      if (f) return f;
      f = new RandomCutForest(forest);
      // the ring already holds the point being scored: warm up on the ones before it
      const values = rings.get(key)?.values ?? [];
      for (let j = 1; j < values.length; j++) f.process(features(values.slice(0, j)));
      forests.set(key, f);
      return f;
    },
    thresholder(key) {
      let t = thresholders.get(key);
      if (!t) thresholders.set(key, (t = new Thresholder(thresholder)));
      return t;
    },
  };
}
