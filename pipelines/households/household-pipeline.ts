/**
 * @module pipelines/households/household-pipeline
 * The households (power) pipeline: decode → validate → 1-minute windows per household →
 * resample / impute → multivariate RCF anomaly scores over all seven measures (shingled) →
 * a forecast of global active power over the next 15 minutes, and once a day per household
 * the rest of the month hour by hour (`monthly-forecast.ts`); the 15-minute forecast can run
 * on an endpoint in our format or DeepAR's (`remote-forecast.ts`) → anomalies and predictions
 * to DynamoDB, every score to the results Firehose. The composition lives in
 * `pipelines/runtime/`; this file is the households' choice of measures, models and defaults.
 */
import type { Observable } from 'rxjs';
import { HOUSEHOLD_MEASURES } from '../../core/index.js';
// The runtime's modules, not its index: the index also exports the worker, which knows
// this spec (importing the index would close an import cycle).
import { createPipeline, type ShardPipeline } from '../runtime/pipeline.js';
import type { ChainContext, ReadingChainSpec } from '../runtime/reading-chain.js';
import { readingSpecParts, type ReadingPipelineOptions } from '../runtime/reading-options.js';
import type { ResultItem } from '../runtime/result-item.js';
import { monthlyForecast, type MonthlyForecastOptions } from './monthly-forecast.js';
import { remoteForecast, type RemoteForecastOptions } from './remote-forecast.js';

/**
 * Options of the households pipeline (the forecaster forecasts global active power); every
 * field has a default. `features: ['globalActivePower']` with `shingleSize: 8` matches the
 * shipped SageMaker-compatible `rcf` model.
 */
export interface HouseholdPipelineOptions extends ReadingPipelineOptions {
  /** The daily rest-of-the-month forecast; default on with its defaults, `false` turns it off. */
  readonly monthly?: MonthlyForecastOptions | false;
  /**
   * Forecast on a SageMaker endpoint in the format it names (`shardflow` | `deepar`), with
   * `forecaster` as the fallback (no selection then); default in process.
   */
  readonly remoteForecast?: RemoteForecastOptions;
}

/**
 * The households pipeline as a {@link ReadingChainSpec}.
 * @example `createPipeline([householdSpec({ forecaster })], { state: new KeyedStateBackend() })`
 */
export function householdSpec(options: HouseholdPipelineOptions = {}): ReadingChainSpec {
  const { retain, monthly = {}, remoteForecast: endpoint } = options;
  const { forecaster, horizons, shingleSize, ...parts } = readingSpecParts(
    options,
    HOUSEHOLD_MEASURES,
  );
  const measure = 'globalActivePower';
  const stages = [
    ...(endpoint
      ? [remoteForecast({ name: 'households', measure, horizons, fallback: forecaster }, endpoint)]
      : []),
    ...(monthly ? [monthlyForecast(monthly)] : []),
  ];
  return {
    name: 'households',
    kind: 'household',
    measures: HOUSEHOLD_MEASURES,
    anomaly: parts.anomaly,
    // forecast in the chain, or by the endpoint stage after it (the ring keeps its input)
    ...(endpoint ? {} : { forecast: parts.forecast(measure) }),
    ...parts.timing,
    ...(retain !== undefined || endpoint
      ? { retain: Math.max(retain ?? 0, shingleSize, forecaster.inputLength) }
      : {}),
    ...(stages.length > 0
      ? {
          then: (context: ChainContext) => (items$: Observable<ResultItem>) =>
            stages.reduce((s$, stage) => s$.pipe(stage(context)), items$),
        }
      : {}),
  };
}

/**
 * The households pipeline for one shard (see {@link householdSpec}).
 * @example `records$.pipe(createHouseholdPipeline({}, { ledger }))`
 */
export function createHouseholdPipeline(
  options: HouseholdPipelineOptions,
  context: ChainContext,
): ShardPipeline {
  return createPipeline([householdSpec(options)], context);
}
