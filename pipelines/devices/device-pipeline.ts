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
// The runtime's modules, not its index: the index also exports the worker, which knows
// this spec (importing the index would close an import cycle).
import { createPipeline, type ShardPipeline } from '../runtime/pipeline.js';
import type { ChainContext, ReadingChainSpec } from '../runtime/reading-chain.js';
import { readingSpecParts, type ReadingPipelineOptions } from '../runtime/reading-options.js';

export { WARM_FOREST } from '../runtime/reading-options.js';

/** Options of the devices pipeline (the forecaster forecasts IAQ); every field has a default. */
export type DevicePipelineOptions = ReadingPipelineOptions;

/**
 * The devices pipeline as a {@link ReadingChainSpec}.
 * @example `createPipeline([deviceSpec(), householdSpec()], { state: new KeyedStateBackend() })`
 */
export function deviceSpec(options: DevicePipelineOptions = {}): ReadingChainSpec {
  const { retain } = options;
  const parts = readingSpecParts(options, DEVICE_MEASURES);
  return {
    name: 'devices',
    kind: 'device',
    measures: DEVICE_MEASURES,
    normalize: { outOfRange: 'dead-letter' },
    anomaly: parts.anomaly,
    forecast: parts.forecast('iaq'),
    ...parts.timing,
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
