/**
 * @module operators/scoring/score-anomalies
 * `scoreAnomalies`: per record (one window of a key) the forest's anomaly score and the
 * per-key {@link AnomalyDetector}'s verdict — a calibrated grade, the kind of fault, and the
 * anomaly events the window opened, extended or closed. Per key one Random Cut Forest and one
 * detector (the detector also scales the forest's features, checks flat lines, dropouts and
 * physical ranges). Embedded: the forest runs in process (with attribution and the KDA
 * explanation). Remote: the features go to a SageMaker RCF endpoint through
 * {@link invokeEndpoint} as given; the detector grades the returned score, attribution is
 * null, and the fallback is either the warm embedded forest or a dead letter. Out-of-range
 * dead letters of readings passing by are reported to their key's detector as `range`
 * evidence (the reading itself is never scored). Invariant: each record leaves once (result
 * or dead letter) with its own positions; per key, records are graded in emission order.
 */
import { pipe, tap, type OperatorFunction } from 'rxjs';
import {
  ConfigError,
  PLAUSIBLE_RANGES,
  readingKey,
  readingTime,
  type DeadLetter,
  type Reading,
} from '../../core/index.js';
import { isDeadLetter, mapTraced, type Flow } from '../flow/index.js';
import {
  AnomalyDetector,
  RandomCutForest,
  kdaExplanation,
  type AnomalyDetectorOptions,
  type AnomalyEvent,
  type AnomalyKind,
  type ColumnExplanation,
  type DiVector,
  type RandomCutForestOptions,
  type ThresholderOptions,
} from '../../models/index.js';
import type { Inferred, InvokeEndpointOptions } from './endpoint-request.js';
import { invokeEndpoint } from './invoke-endpoint.js';
import { decodeRcf, encodeRcf } from './payloads.js';

/** One scored record. */
export interface AnomalyScore<T> {
  readonly input: T;
  readonly key: string;
  readonly score: number;
  /** Anomaly grade in [0, 1] (0: not anomalous). */
  readonly grade: number;
  readonly threshold: number;
  /** Kind of fault the window shows, when anomalous. */
  readonly kind?: AnomalyKind;
  /** Anomaly events this window opened, extended or closed (rows of the anomalies table). */
  readonly events: readonly AnomalyEvent[];
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

/** Where each key's forest and detector live (e.g. restored from a state snapshot). */
export interface KeyedModels {
  forest(key: string): RandomCutForest;
  detector(key: string): AnomalyDetector;
}

/** One window of a key as the detector sees it. */
export interface ScoredWindow {
  /** Window start, epoch ms. */
  readonly time: number;
  /** True when the window was filled in (no reading). */
  readonly imputed?: boolean;
  /** The window's values, one per detector measure. */
  readonly values: readonly number[];
}

/** Options of {@link scoreAnomalies}. */
export interface ScoreAnomaliesOptions<T> {
  /** The key a record's forest and detector belong to. */
  readonly key: (value: T) => string;
  /** The record's feature vector (length `forest.dimensions`). */
  readonly features: (value: T) => readonly number[];
  /** Forest options per key (`dimensions` = feature length). */
  readonly forest: RandomCutForestOptions;
  /** Grading of the forest's score (the detector's `thresholder`). */
  readonly thresholder?: ThresholderOptions;
  /** The detector's other options (flat-line, gap, event closing; `ranges` default `PLAUSIBLE_RANGES`). */
  readonly detector?: Omit<AnomalyDetectorOptions, 'measures' | 'thresholder'>;
  /**
   * Measures of a window, in feature order (features are these measures, shingled oldest
   * first); default `columns` when they match the features one to one, else `x0`, `x1`, ….
   */
  readonly measures?: readonly string[];
  /** The record's window; default the last `measures.length` features, one window a minute. */
  readonly window?: (value: T) => ScoredWindow;
  /** Column names for the KDA explanation (one per feature). */
  readonly columns?: readonly string[];
  /** Score with a SageMaker RCF endpoint instead of in process. */
  readonly remote?: RemoteRcfOptions;
  /** The per-key models; default a fresh forest and detector per key, kept in process. */
  readonly models?: KeyedModels;
}

interface Carried<T> {
  readonly value: T;
  readonly key: string;
  readonly features: readonly number[];
  readonly window: ScoredWindow;
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
  const { key, features, forest, thresholder, columns, remote, models } = options;
  if (columns && columns.length !== forest.dimensions)
    throw new ConfigError('columns', `must name ${forest.dimensions} features`);
  const measures =
    options.measures ??
    (columns ?? Array.from({ length: forest.dimensions }, (_, i) => `x${i}`)).slice();
  if (forest.dimensions % measures.length !== 0)
    throw new ConfigError('measures', `${measures.length} measures do not divide the features`);
  const detectorOptions: AnomalyDetectorOptions = {
    ranges: PLAUSIBLE_RANGES,
    ...options.detector,
    measures,
    ...(thresholder ? { thresholder } : {}),
  };
  new RandomCutForest(forest); // validates options up front
  new AnomalyDetector(detectorOptions);
  const forests = new Map<string, RandomCutForest>();
  const detectors = new Map<string, AnomalyDetector>();
  const sequence = new Map<string, number>();
  const forestOf = (k: string) => {
    if (models) return models.forest(k);
    let f = forests.get(k);
    if (!f) forests.set(k, (f = new RandomCutForest(forest)));
    return f;
  };
  const detectorOf = (k: string) => {
    if (models) return models.detector(k);
    let d = detectors.get(k);
    if (!d) detectors.set(k, (d = new AnomalyDetector(detectorOptions)));
    return d;
  };
  const windowOf =
    options.window ??
    ((_: T, k: string, f: readonly number[]): ScoredWindow => {
      const n = sequence.get(k) ?? 0;
      sequence.set(k, n + 1);
      return { time: n * 60_000, values: f.slice(-measures.length) };
    });
  const explain = (score: number, attribution: DiVector | null) =>
    columns && attribution ? kdaExplanation(score, attribution, columns).ANOMALY_EXPLANATION : null;
  const detect = (c: Carried<T>, score: number, attribution: DiVector | null) => {
    const d = detectorOf(c.key).update({ ...c.window, score, attribution });
    return {
      input: c.value,
      key: c.key,
      score,
      grade: d.grade,
      threshold: d.threshold,
      ...(d.kind ? { kind: d.kind } : {}),
      events: d.events,
      attribution,
      explanation: explain(score, attribution),
    };
  };

  const carry: OperatorFunction<Flow<T>, Flow<Carried<T>>> = pipe(
    tap((element: Flow<T>) => {
      if (!isDeadLetter(element)) return;
      const mark = outOfRangeMark(element);
      if (mark) detectorOf(mark.key).markOutOfRange(mark.time, mark.measures, mark.high);
    }),
    mapTraced(
      (value: T): Carried<T> => {
        const k = key(value);
        const f = features(value);
        const window = options.window ? options.window(value) : windowOf(value, k, f);
        const embedded =
          !remote || remote.fallback !== 'dead-letter'
            ? forestOf(k).processWithAttribution(detectorOf(k).scale(f))
            : undefined;
        return { value, key: k, features: f, window, ...(embedded ? { embedded } : {}) };
      },
      { unscorable: 'features' },
    ),
  );

  if (!remote) {
    return pipe(
      carry,
      mapTraced((c: Carried<T>): AnomalyScore<T> => {
        const { score, attribution } = c.embedded as { score: number; attribution: DiVector };
        return { ...detect(c, score, attribution), source: 'embedded' };
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
      const attribution = r.source === 'fallback' ? (c.embedded?.attribution ?? null) : null;
      return { ...detect(c, r.result, attribution), source: r.source };
    }),
  );
}

/**
 * The range evidence in an `out-of-range` dead letter of a reading: its key, time, and the
 * measures outside `PLAUSIBLE_RANGES` (with `high` when above); undefined for anything else.
 */
export function outOfRangeMark(
  dead: DeadLetter,
): { key: string; time: number; measures: string[]; high: boolean[] } | undefined {
  const raw = dead.raw as Partial<Reading> | null;
  if (dead.reason !== 'out-of-range' || !raw || typeof raw !== 'object' || !raw.readings)
    return undefined;
  if (raw.kind !== 'device' && raw.kind !== 'household') return undefined;
  const reading = raw as Reading;
  const time = readingTime(reading);
  if (!Number.isFinite(time)) return undefined;
  const measures: string[] = [];
  const high: boolean[] = [];
  for (const [m, v] of Object.entries(reading.readings as Record<string, number>)) {
    const range = (PLAUSIBLE_RANGES as Record<string, readonly [number, number]>)[m];
    if (range && !(v >= range[0] && v <= range[1])) {
      measures.push(m);
      high.push(v > range[1]);
    }
  }
  return measures.length ? { key: readingKey(reading), time, measures, high } : undefined;
}
