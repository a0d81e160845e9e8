/**
 * @module pipelines/devices/device-pipeline
 * The devices (indoor air quality) pipeline: decode → validate → normalize (plausible ranges;
 * out-of-range readings are dead letters) → 1-minute tumbling windows per device → resample /
 * impute → shingle → RCF anomaly score and grade per device (embedded, or a SageMaker
 * endpoint) → anomaly events to the anomalies table, every score to the results
 * Firehose, and an IAQ forecast (60 → 15 minutes) whose `iaq~5`, `iaq~10`, `iaq~15`
 * predictions go to the predictions table. The composition lives in `pipelines/runtime/`;
 * this file is the devices' choice of measures, models and defaults.
 */
import { DEVICE_MEASURES } from '../../core/index.js';
import {
  type Forecaster,
  type RandomCutForestOptions,
  type ThresholderOptions,
} from '../../models/index.js';
import { type RemoteRcfOptions } from '../../operators/index.js';
// The runtime's modules, not its index: the index also exports the worker, which knows
// this spec (importing the index would close an import cycle).
import { createPipeline, type ShardPipeline } from '../runtime/pipeline.js';
import type { ChainContext, ReadingChainSpec } from '../runtime/reading-chain.js';
import {
  forecastSelection,
  spanAverage,
  type SelectOption,
} from '../runtime/forecast-selection.js';

/**
 * Default forest of both pipelines: 30 trees of 32 points, scoring after 16 — warm (with
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

/** Options of the devices pipeline; every field has a default. */
export interface DevicePipelineOptions {
  /** IAQ forecaster taking 60 one-minute values; default a 15-minute moving average. */
  readonly forecaster?: Forecaster;
  /**
   * Select per key and horizon among persistence, `forecaster` and `select.candidates`
   * (keyed state `devices.selector`; each prediction names its model). Default on, with the
   * 5- and 15-minute moving averages as candidates (`forecastSelection`); `false`:
   * `forecaster` alone.
   */
  readonly select?: SelectOption;
  /** Minutes ahead written to the predictions table; default 5, 10, 15. */
  readonly horizons?: readonly number[];
  /** Measures the anomaly model sees; default all device measures. */
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
  /** Windows kept per device for model input; default the forecaster's input. */
  readonly retain?: number;
}

/**
 * The devices pipeline as a {@link ReadingChainSpec}.
 * @example `createPipeline([deviceSpec(), householdSpec()], { state: new KeyedStateBackend() })`
 */
export function deviceSpec(options: DevicePipelineOptions = {}): ReadingChainSpec {
  const {
    forecaster = spanAverage(15),
    horizons = [5, 10, 15],
    select,
    features = DEVICE_MEASURES,
    shingleSize = 4,
    forest = WARM_FOREST,
    thresholder,
    remote,
    allowedLatenessMs,
    idleTimeoutMs,
    retain,
  } = options;
  return {
    name: 'devices',
    kind: 'device',
    measures: DEVICE_MEASURES,
    normalize: { outOfRange: 'dead-letter' },
    anomaly: {
      features,
      shingleSize,
      forest,
      ...(thresholder ? { thresholder } : {}),
      ...(remote ? { remote } : {}),
    },
    forecast: { measure: 'iaq', forecaster, horizons, ...forecastSelection(select, forecaster) },
    ...(allowedLatenessMs !== undefined ? { allowedLatenessMs } : {}),
    ...(idleTimeoutMs !== undefined ? { idleTimeoutMs } : {}),
    ...(retain !== undefined ? { retain } : {}),
  };
}

/**
 * The devices pipeline for one shard: source records in, one result item per window (and
 * per dead letter, and per skipped non-device record) out.
 *
 * @example
 * ```ts
 * const state = new KeyedStateBackend(); // restored from the shard's snapshot, if any
 * records$.pipe(createDevicePipeline({}, { state })).pipe(writeResults({ sinks }));
 * ```
 */
export function createDevicePipeline(
  options: DevicePipelineOptions,
  context: ChainContext,
): ShardPipeline {
  return createPipeline([deviceSpec(options)], context);
}
