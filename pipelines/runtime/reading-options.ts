/**
 * @module pipelines/runtime/reading-options
 * What the reading pipelines (devices, households) let a caller choose of their anomaly
 * model, forecast and timing, with the defaults they share, resolved into the parts of a
 * {@link ReadingChainSpec} each pipeline then completes with its own measures and stages.
 */
import type { Forecaster, RandomCutForestOptions, ThresholderOptions } from '../../models/index.js';
import type { RemoteRcfOptions } from '../../operators/index.js';
import type { ForecastSpec } from './chain-forecast.js';
import { forecastSelection, spanAverage, type SelectOption } from './forecast-selection.js';
import type { ReadingChainSpec } from './reading-chain.js';

/**
 * Default forest of the pipelines: 30 trees of 32 points, scoring after 16 — warm (with
 * the thresholder's 20 scores) within the 60-window look-back, so a forest rebuilt from a
 * restored ring (after failover or a reshard) is warm before it scores again. No cached
 * bounding boxes (computed when needed; scores are the same): 93 KiB of model state per
 * device (24-d) instead of 972 KiB for 50 × 64 before #16, at the same detection quality in
 * bench:anomaly (BENCHMARKS.md, "rcf": sizes tried, precision and recall of each).
 */
export const WARM_FOREST = {
  numberOfTrees: 30,
  sampleSize: 32,
  outputAfter: 16,
  boundingBoxCacheFraction: 0,
} as const;

/** Options of a reading pipeline; every field has a default. */
export interface ReadingPipelineOptions {
  /** Forecaster of the pipeline's measure, taking 60 one-minute values; default a 15-minute moving average. */
  readonly forecaster?: Forecaster;
  /**
   * Select per key and horizon among persistence, `forecaster` and `select.candidates`
   * (keyed state `<pipeline>.selector`; each prediction names its model). Default on, with
   * the 5- and 15-minute moving averages and the damped trend as candidates
   * (`forecastSelection`); `false`:
   * `forecaster` alone.
   */
  readonly select?: SelectOption;
  /** Minutes ahead written to the predictions table; default 5, 10, 15. */
  readonly horizons?: readonly number[];
  /** Measures the anomaly model sees; default all the pipeline's measures. */
  readonly features?: readonly string[];
  /** Windows per shingle; default 4. */
  readonly shingleSize?: number;
  /** Forest options; default {@link WARM_FOREST}. */
  readonly forest?: Omit<RandomCutForestOptions, 'dimensions' | 'shingleSize'>;
  readonly thresholder?: ThresholderOptions;
  /** Score with a SageMaker RCF endpoint (see `scoreAnomalies`). */
  readonly remote?: RemoteRcfOptions;
  readonly allowedLatenessMs?: number;
  readonly idleTimeoutMs?: number;
  /** Windows kept per key for model input; default the forecaster's input. */
  readonly retain?: number;
}

/** {@link ReadingPipelineOptions} resolved with their defaults, as spec parts. */
export interface ReadingSpecParts {
  readonly forecaster: Forecaster;
  readonly horizons: readonly number[];
  readonly shingleSize: number;
  readonly anomaly: ReadingChainSpec['anomaly'];
  /** The forecast of `measure` (with the default selection unless `select: false`). */
  readonly forecast: (measure: string) => ForecastSpec;
  /** `allowedLatenessMs` and `idleTimeoutMs`, where given. */
  readonly timing: Pick<ReadingChainSpec, 'allowedLatenessMs' | 'idleTimeoutMs'>;
}

/** Resolves `options` for a pipeline whose anomaly model sees `measures` by default. */
export function readingSpecParts(
  options: ReadingPipelineOptions,
  measures: readonly string[],
): ReadingSpecParts {
  const {
    forecaster = spanAverage(15),
    horizons = [5, 10, 15],
    select,
    features = measures,
    shingleSize = 4,
    forest = WARM_FOREST,
    thresholder,
    remote,
    allowedLatenessMs,
    idleTimeoutMs,
  } = options;
  return {
    forecaster,
    horizons,
    shingleSize,
    anomaly: {
      features,
      shingleSize,
      forest,
      ...(thresholder ? { thresholder } : {}),
      ...(remote ? { remote } : {}),
    },
    forecast: (measure) => ({
      measure,
      forecaster,
      horizons,
      ...forecastSelection(select, forecaster),
    }),
    timing: {
      ...(allowedLatenessMs !== undefined ? { allowedLatenessMs } : {}),
      ...(idleTimeoutMs !== undefined ? { idleTimeoutMs } : {}),
    },
  };
}
