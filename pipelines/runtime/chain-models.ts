/**
 * @module pipelines/runtime/chain-models
 * The per-key models of a reading chain and where their state lives. The anomaly detector of
 * a key (calibrated thresholds, flat-line / gap statistics, open event: plain JSON) is keyed
 * state: snapshotted with the checkpoint, restored exactly. The Random Cut Forest of a key is *derived* state: it is rebuilt, on
 * the key's first point in a session, by feeding it the shingles of the key's restored
 * look-back ring (the same warm-up the 60-window replay used to give it) — an exact forest
 * snapshot costs about 1 MB per key (50 trees × 64 points), the ring a few kB.
 */
import {
  AnomalyDetector,
  RandomCutForest,
  Thresholder,
  type AnomalyDetectorOptions,
  type AnomalyDetectorState,
  type RandomCutForestOptions,
  type ThresholderOptions,
  type ThresholderState,
} from '../../models/index.js';
import type { KeyedModels } from '../../operators/index.js';
import type { KeyedStateBackend, ValueCodec } from '../state/index.js';
import type { Ring } from './lookback.js';

/**
 * Codec of a thresholder as keyed state: its running statistics. A state the thresholder
 * rejects (written by a version with another state shape) restarts that key's statistics
 * — a model re-warms; records are never lost.
 */
export function thresholderCodec(options: ThresholderOptions = {}): ValueCodec<Thresholder> {
  return {
    // the live state: a snapshot is serialised while the chain is paused (shard-runner.ts)
    encode: (t) => t.state,
    decode: (json) => {
      try {
        return new Thresholder(options, json as ThresholderState);
      } catch {
        return new Thresholder(options);
      }
    },
  };
}

/**
 * Codec of an anomaly detector as keyed state: its plain-JSON state. A state the detector
 * refuses (written by a version with another layout) restarts that key's detector, as for
 * thresholders — it re-warms; records are never lost.
 */
export function detectorCodec(options: AnomalyDetectorOptions): ValueCodec<AnomalyDetector> {
  return {
    encode: (d) => d.toJSON(),
    decode: (json) => {
      try {
        return new AnomalyDetector(options, json as AnomalyDetectorState);
      } catch {
        return new AnomalyDetector(options);
      }
    },
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
  /** The detector's measures and options (its `thresholder` is the one above). */
  readonly detector: Omit<AnomalyDetectorOptions, 'thresholder'>;
  /** The model features of a look-back (the shingle). */
  readonly features: (history: readonly Readonly<Record<string, number>>[]) => number[];
}

/**
 * Per-key forests and detectors for `scoreAnomalies` (see module doc).
 * @example `scoreAnomalies({ ..., models: chainModels({ state, name: 'devices', rings, forest, features }) })`
 */
export function chainModels(options: ChainModelsOptions): KeyedModels {
  const { state, name, rings, forest, thresholder = {}, features } = options;
  const detectorOptions = { ...options.detector, thresholder };
  const detectors = state.register(`${name}.detector`, detectorCodec(detectorOptions));
  const detector = (key: string) => {
    let d = detectors.get(key);
    if (!d) detectors.set(key, (d = new AnomalyDetector(detectorOptions)));
    return d;
  };
  const forests = new Map<string, RandomCutForest>();
  return {
    forest(key) {
      let f = forests.get(key);
      if (f) return f;
      f = new RandomCutForest(forest);
      // the ring already holds the point being scored: warm up on the ones before it
      const values = rings.get(key)?.values ?? [];
      const d = detector(key);
      for (let j = 1; j < values.length; j++) f.process(d.scale(features(values.slice(0, j))));
      forests.set(key, f);
      return f;
    },
    detector,
  };
}
