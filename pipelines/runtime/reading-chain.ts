/**
 * @module pipelines/runtime/reading-chain
 * The shared back half of both pipelines, for the readings of one kind on one shard:
 * [normalize] → 1-minute tumbling event-time windows per key (watermark, allowed lateness,
 * idle timeout on the injected scheduler) → resample/impute onto the minute grid → look-back
 * (shingle + forecaster input) → RCF score and the per-key anomaly detector (embedded, or a
 * SageMaker endpoint) → one {@link ResultItem} per window carrying its score line, the rows of
 * the anomaly events it opened, extended or closed, and its prediction rows. Every stateful
 * stage keeps its per-key state in the shard's {@link KeyedStateBackend} (`<name>.ring`,
 * `<name>.pending`, `<name>.detector`);
 * a chain built on a restored backend first replays the open inputs (`open-inputs.ts`). Invariant: every window yields exactly
 * one item, and every dead letter one item of its own.
 */
import {
  map,
  pipe,
  startWith,
  tap,
  type MonoTypeOperatorFunction,
  type OperatorFunction,
  type SchedulerLike,
} from 'rxjs';
import {
  DEFAULT_MAX_FUTURE_SKEW_MS,
  readingKey,
  readingTime,
  type Reading,
} from '../../core/index.js';
import {
  type AnomalyEvent,
  type RandomCutForestOptions,
  type ThresholderOptions,
} from '../../models/index.js';
import {
  isDeadLetter,
  normalize,
  perMeasure,
  resample,
  scoreAnomalies,
  tumbling,
  watchSilence,
  eventTimeWindow,
  type AnomalyScore,
  type FillMethod,
  type Flow,
  type NormalizeOptions,
  type RemoteRcfOptions,
  type WindowResult,
} from '../../operators/index.js';
import { anomalyEventRow, readingRowKey } from '../../sinks/index.js';
import type { KeyedStateBackend } from '../state/index.js';
import { chainForecast, type ChainForecast, type ForecastSpec } from './chain-forecast.js';
import { chainModels } from './chain-models.js';
import { lookback, ringCodec, type Looked, type Ring } from './lookback.js';
import { openInputs } from './open-inputs.js';
import { deadLetterItem, NO_OUTPUTS, type ResultItem, type ResultRow } from './result-item.js';

/** What makes a pipeline out of the shared chain: its kind, measures and models. */
export interface ReadingChainSpec {
  /** Pipeline name, written on every output (`devices`, `households`). */
  readonly name: string;
  readonly kind: Reading['kind'];
  /** Measures aggregated per window (wire order). */
  readonly measures: readonly string[];
  /** Range checks / unit conversion before windowing; omit to skip normalize. */
  readonly normalize?: NormalizeOptions;
  /** Window size; default 60,000 ms. */
  readonly windowMs?: number;
  /** Event-time lateness accepted; default 5,000 ms. */
  readonly allowedLatenessMs?: number;
  /**
   * Readings dated more than this ahead of the scheduler's clock become `future-timestamp`
   * dead letters and never move the watermark; default `DEFAULT_MAX_FUTURE_SKEW_MS` (60 s),
   * `Infinity` disables the bound.
   */
  readonly maxFutureSkewMs?: number;
  /** Fire a quiet key's windows after this long (scheduler time); default 120,000 ms. */
  readonly idleTimeoutMs?: number;
  /** Gap filling of the grid; default linear over at most 5 missing minutes. */
  readonly fill?: FillMethod;
  readonly maxGap?: number;
  /** Anomaly model: features are the last `shingleSize` windows of `features` measures. */
  readonly anomaly: {
    readonly features: readonly string[];
    readonly shingleSize: number;
    readonly forest?: Omit<RandomCutForestOptions, 'dimensions' | 'shingleSize'>;
    readonly thresholder?: ThresholderOptions;
    /** Score on a SageMaker RCF endpoint instead of in process. */
    readonly remote?: RemoteRcfOptions;
  };
  /**
   * Forecast of one measure; predictions for `horizons` minutes ahead, each naming its model
   * (`select`: per key and horizon among candidates, `chain-forecast.ts`).
   */
  readonly forecast?: ForecastSpec;
  /** Windows retained per key for model input (default: the longest model input). */
  readonly retain?: number;
  /**
   * A synchronous stage after the chain's items, built with the chain's context so its
   * per-key state is snapshotted with the rest (the households' daily monthly forecast).
   */
  readonly then?: (context: ChainContext) => MonoTypeOperatorFunction<ResultItem>;
}

/** Dropout events of a silent key (no window carries them). */
interface Silent {
  readonly silent: string;
  readonly events: readonly AnomalyEvent[];
}

/** Windows of silence after which a key's detector is asked about a dropout (its `minMissing`). */
const SILENT_WINDOWS = 5;

/** Elements between the look-back and the item stage (non-zero only with remote scoring). */
export interface InFlight {
  n: number;
}

/** Runtime context of a chain: the shard session's keyed state and scheduler. */
export interface ChainContext {
  /** The shard's keyed state (restored before the chain is built). */
  readonly state: KeyedStateBackend;
  /** Scheduler of the windows' idle timeout. */
  readonly scheduler?: SchedulerLike;
  /** Counts elements in asynchronous stages, so a snapshot waits until none is in flight. */
  readonly flight?: InFlight;
}

const iso = (t: number) => new Date(t).toISOString();

/** The anomaly features of a look-back: the last `size` points (the oldest repeated while warming up). */
export function shingleFeatures(
  history: readonly Readonly<Record<string, number>>[],
  measures: readonly string[],
  size: number,
): number[] {
  const out: number[] = [];
  for (let i = size; i >= 1; i--) {
    const row = history[Math.max(0, history.length - i)] as Readonly<Record<string, number>>;
    for (const m of measures) out.push(row[m] ?? Number.NaN);
  }
  return out;
}

/** Names of the shingled features, in {@link shingleFeatures} order (the API sums them per measure). */
export function shingleColumns(measures: readonly string[], size: number): string[] {
  const out: string[] = [];
  for (let lag = size - 1; lag >= 0; lag--)
    for (const m of measures) out.push(lag === 0 ? m : `${m}@t-${lag}`);
  return out;
}

/** Turns a scored look-back into the window's result item (score line, anomaly, predictions). */
function toItem(
  spec: ReadingChainSpec,
  scored: AnomalyScore<Looked>,
  forecast: ChainForecast | undefined,
): ResultItem {
  const { point, history } = scored.input;
  const windowStart = iso(point.time);
  const score = {
    id: `${point.key}#${windowStart}`,
    pipeline: spec.name,
    key: point.key,
    windowStart,
    imputed: point.imputed,
    values: point.values,
    score: scored.score,
    grade: scored.grade,
    threshold: scored.threshold,
    source: scored.source,
  };
  // anomaly EVENTS (opened, extended or closed by this window), keyed by key + event start
  const anomalies: ResultRow[] = scored.events.map((e) => anomalyEventRow(spec.name, point.key, e));
  const predictions = forecast?.(point.key, point.time, history) ?? [];
  const readings: ResultRow[] = [
    {
      key: readingRowKey({ key: point.key, windowStart: point.time }),
      attributes: { kind: spec.kind, values: point.values, imputed: point.imputed },
    },
  ];
  return {
    pipeline: spec.name,
    outputs: { ...NO_OUTPUTS, scores: [score], anomalies, predictions, readings },
  };
}

/**
 * The chain for readings of `spec.kind` (see module doc). Readings of other kinds must be
 * routed elsewhere before this chain.
 *
 * @example `deviceReadings$.pipe(readingChain(deviceSpec(), { state: new KeyedStateBackend() }))`
 */
export function readingChain(
  spec: ReadingChainSpec,
  context: ChainContext,
): OperatorFunction<Flow<Reading>, ResultItem> {
  const {
    windowMs = 60_000,
    allowedLatenessMs = 5_000,
    maxFutureSkewMs = DEFAULT_MAX_FUTURE_SKEW_MS,
    idleTimeoutMs = 120_000,
    fill = 'linear',
    maxGap = 5,
    anomaly,
  } = spec;
  const { state, scheduler, flight = { n: 0 } } = context;
  const retain =
    spec.retain ?? Math.max(anomaly.shingleSize, spec.forecast?.forecaster.inputLength ?? 1);
  const measures = spec.measures;
  const rings = state.register<Ring>(`${spec.name}.ring`, ringCodec());
  const forecast = spec.forecast
    ? chainForecast(spec.forecast, { state, name: spec.name, stepMs: windowMs })
    : undefined;
  const open = openInputs({
    kind: spec.kind,
    pending: state.register<Reading[]>(`${spec.name}.pending`),
    rings,
    step: windowMs,
  });
  const features = (history: readonly Readonly<Record<string, number>>[]) =>
    shingleFeatures(history, anomaly.features, anomaly.shingleSize);
  const forest = { ...anomaly.forest, dimensions: anomaly.features.length * anomaly.shingleSize };
  const normalized: OperatorFunction<Flow<Reading>, Flow<Reading>> = spec.normalize
    ? normalize<Reading>(spec.normalize)
    : (s) => s;
  const models = chainModels({
    state,
    name: spec.name,
    rings,
    detector: { measures: anomaly.features, stepMs: windowMs },
    forest,
    ...(anomaly.thresholder ? { thresholder: anomaly.thresholder } : {}),
    features,
  });
  const chain = pipe(
    normalized,
    startWith(...open.replay()),
    open.track,
    eventTimeWindow({
      assigner: tumbling({ size: windowMs }),
      key: readingKey,
      time: readingTime,
      aggregate: perMeasure<Reading>(measures, 'mean'),
      allowedLateness: allowedLatenessMs,
      maxFutureSkew: maxFutureSkewMs,
      idleTimeout: idleTimeoutMs,
      ...(scheduler ? { scheduler } : {}),
    }),
    resample<WindowResult<Record<string, number | null>>>({
      step: windowMs,
      key: (w) => w.key,
      time: (w) => w.start,
      values: (w) => {
        const out: Record<string, number> = {};
        for (const m of measures) {
          const v = w.value[m];
          if (v !== null && v !== undefined) out[m] = v;
        }
        return out;
      },
      fill,
      maxGap,
      // a quiet key's last window still reaches the look-back (and is scored)
      idleTimeout: idleTimeoutMs,
      ...(scheduler ? { scheduler } : {}),
    }),
    lookback({ rings, retain, onPoint: (p) => open.consumed(p) }),
    tap(() => (flight.n += 1)),
    pipe(
      scoreAnomalies<Looked>({
        key: (l) => l.point.key,
        features: (l) => features(l.history),
        measures: anomaly.features,
        window: (l) => ({
          time: l.point.time,
          imputed: l.point.imputed,
          values: anomaly.features.map((m) => l.point.values[m] ?? Number.NaN),
        }),
        forest,
        // explanation columns: `<measure>` for the newest window, `<measure>@t-<n>` before it
        columns: shingleColumns(anomaly.features, anomaly.shingleSize),
        ...(anomaly.thresholder ? { thresholder: anomaly.thresholder } : {}),
        ...(anomaly.remote ? { remote: anomaly.remote } : {}),
        models,
      }),
      // dropouts while a key is silent: its detector judges the missing windows on the
      // watermark (and the scheduler's time while the shard is quiet), not only on its return
      watchSilence<Flow<AnomalyScore<Looked>>, Silent>({
        window: (e) =>
          isDeadLetter(e) ? undefined : { key: e.value.key, time: e.value.input.point.time },
        after: SILENT_WINDOWS * windowMs,
        onSilent: (key, now) => {
          // the resample holds a key's newest window until its next one: 1 window held
          const events = models.detector(key).silence(now, 1);
          return events.length ? [{ silent: key, events }] : [];
        },
        ...(scheduler ? { scheduler } : {}),
      }),
    ),
    map((element): ResultItem => {
      if ('silent' in element)
        return {
          pipeline: spec.name,
          outputs: {
            ...NO_OUTPUTS,
            anomalies: element.events.map((e) => anomalyEventRow(spec.name, element.silent, e)),
          },
        };
      flight.n -= 1;
      return isDeadLetter(element)
        ? deadLetterItem(spec.name, element)
        : toItem(spec, element.value, forecast);
    }),
  );
  return spec.then ? pipe(chain, spec.then(context)) : chain;
}
