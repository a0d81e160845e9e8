/**
 * @module operators/scoring/score-anomalies
 * `scoreAnomalies`: anomaly score, grade, threshold and attribution per record, with one
 * Random Cut Forest and one thresholder per key (device, household). Embedded: the forest
 * runs in process (with attribution and the KDA explanation). Remote: the features go to
 * a SageMaker RCF endpoint through {@link invokeEndpoint}; the grade comes from the same
 * per-key thresholder, attribution is null (the built-in RCF returns only scores), and the
 * fallback is either the warm embedded forest or a dead letter. The output shape is the
 * same either way. Invariant: each record leaves once (result or dead letter) with its
 * own positions; per key, records are graded in the order they are emitted.
 */
import { pipe, type OperatorFunction } from 'rxjs';
import { ConfigError } from '../../core/index.js';
import { mapTraced, type Flow } from '../flow/index.js';
import {
  RandomCutForest,
  Thresholder,
  kdaExplanation,
  type ColumnExplanation,
  type DiVector,
  type RandomCutForestOptions,
  type ThresholderOptions,
} from '../../models/index.js';
import { invokeEndpoint, type Inferred, type InvokeEndpointOptions } from './invoke-endpoint.js';
import { decodeRcf, encodeRcf } from './payloads.js';

/** One scored record. */
export interface AnomalyScore<T> {
  readonly input: T;
  readonly key: string;
  readonly score: number;
  /** Anomaly grade in [0, 1] (0: not anomalous). */
  readonly grade: number;
  readonly threshold: number;
  /** Per-dimension attribution (null when scored remotely). */
  readonly attribution: DiVector | null;
  /** KDA `ANOMALY_EXPLANATION` per named column (null without `columns` or attribution). */
  readonly explanation: Record<string, ColumnExplanation> | null;
  readonly source: 'embedded' | 'remote' | 'fallback';
}

/** Remote scoring: everything of {@link invokeEndpoint} but the payload codec. */
export type RemoteRcfOptions = Omit<
  InvokeEndpointOptions<readonly number[], number>,
  'decode' | 'encode' | 'fallback' | 'instanceBytes'
> & {
  /** What answers when the endpoint cannot: the warm embedded forest (default) or a dead letter. */
  readonly fallback?: 'embedded' | 'dead-letter';
};

/** Where each key's forest and thresholder live (e.g. restored from a state snapshot). */
export interface KeyedModels {
  forest(key: string): RandomCutForest;
  thresholder(key: string): Thresholder;
}

/** Options of {@link scoreAnomalies}. */
export interface ScoreAnomaliesOptions<T> {
  /** The key a record's forest and thresholder belong to. */
  readonly key: (value: T) => string;
  /** The record's feature vector (length `forest.dimensions`). */
  readonly features: (value: T) => readonly number[];
  /** Forest options per key (`dimensions` = feature length). */
  readonly forest: RandomCutForestOptions;
  readonly thresholder?: ThresholderOptions;
  /** Column names for the KDA explanation (one per feature). */
  readonly columns?: readonly string[];
  /** Score with a SageMaker RCF endpoint instead of in process. */
  readonly remote?: RemoteRcfOptions;
  /** The per-key models; default a fresh forest and thresholder per key, kept in process. */
  readonly models?: KeyedModels;
}

interface Carried<T> {
  readonly value: T;
  readonly key: string;
  readonly features: readonly number[];
  readonly embedded?: { score: number; attribution: DiVector };
}

/**
 * Scores records for anomalies per key (see module doc).
 *
 * @example
 * readings$.pipe(scoreAnomalies({ key: (r) => r.deviceId, features: (r) => [r.readings.co2],
 *   forest: { dimensions: 1, shingleSize: 4 } }))
 */
export function scoreAnomalies<T>(
  options: ScoreAnomaliesOptions<T>,
): OperatorFunction<Flow<T>, Flow<AnomalyScore<T>>> {
  const { key, features, forest, thresholder = {}, columns, remote, models } = options;
  if (columns && columns.length !== forest.dimensions)
    throw new ConfigError('columns', `must name ${forest.dimensions} features`);
  new RandomCutForest(forest); // validates options up front
  new Thresholder(thresholder);
  const forests = new Map<string, RandomCutForest>();
  const thresholders = new Map<string, Thresholder>();
  const forestOf = (k: string) => {
    if (models) return models.forest(k);
    let f = forests.get(k);
    if (!f) forests.set(k, (f = new RandomCutForest(forest)));
    return f;
  };
  const grade = (k: string, score: number) => {
    if (models) return models.thresholder(k).grade(score);
    let t = thresholders.get(k);
    if (!t) thresholders.set(k, (t = new Thresholder(thresholder)));
    return t.grade(score);
  };
  const explain = (score: number, attribution: DiVector | null) =>
    columns && attribution ? kdaExplanation(score, attribution, columns).ANOMALY_EXPLANATION : null;

  const carry: OperatorFunction<Flow<T>, Flow<Carried<T>>> = mapTraced(
    (value: T): Carried<T> => {
      const k = key(value);
      const f = features(value);
      const embedded =
        !remote || remote.fallback !== 'dead-letter'
          ? forestOf(k).processWithAttribution(f)
          : undefined;
      return { value, key: k, features: f, ...(embedded ? { embedded } : {}) };
    },
    { unscorable: 'features' },
  );

  if (!remote) {
    return pipe(
      carry,
      mapTraced((c: Carried<T>): AnomalyScore<T> => {
        const { score, attribution } = c.embedded as { score: number; attribution: DiVector };
        const g = grade(c.key, score);
        return {
          input: c.value,
          key: c.key,
          score,
          grade: g.grade,
          threshold: g.threshold,
          attribution,
          explanation: explain(score, attribution),
          source: 'embedded',
        };
      }),
    );
  }
  const { fallback = 'embedded', ...invokeOptions } = remote;
  return pipe(
    carry,
    invokeEndpoint<Carried<T>, number>({
      ...invokeOptions,
      encode: (batch) => encodeRcf(batch.map((c) => c.features)),
      instanceBytes: (c) => JSON.stringify(c.features).length + 16,
      decode: decodeRcf,
      ...(fallback === 'embedded'
        ? { fallback: (batch: readonly Carried<T>[]) => batch.map((c) => c.embedded?.score ?? 0) }
        : {}),
    }),
    mapTraced((r: Inferred<Carried<T>, number>): AnomalyScore<T> => {
      const c = r.input;
      const g = grade(c.key, r.result);
      const attribution = r.source === 'fallback' ? (c.embedded?.attribution ?? null) : null;
      return {
        input: c.value,
        key: c.key,
        score: r.result,
        grade: g.grade,
        threshold: g.threshold,
        attribution,
        explanation: explain(r.result, attribution),
        source: r.source,
      };
    }),
  );
}
