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
import { WARM_FOREST } from '../devices/index.js';
import {
  forecastSelection,
  spanAverage,
  type SelectOption,
} from '../runtime/forecast-selection.js';
import type { ResultItem } from '../runtime/result-item.js';
import { monthlyForecast, type MonthlyForecastOptions } from './monthly-forecast.js';
import { remoteForecast, type RemoteForecastOptions } from './remote-forecast.js';

/** Options of the households pipeline; every field has a default. */
export interface HouseholdPipelineOptions {
  /** Global-active-power forecaster taking 60 one-minute values; default a 15-minute moving average. */
  readonly forecaster?: Forecaster;
  /**
   * Select per key and horizon among persistence, `forecaster` and `select.candidates`
   * (keyed state `households.selector`; each prediction names its model). Default on, with
   * the 5- and 15-minute moving averages as candidates (`forecastSelection`); `false`:
   * `forecaster` alone. Not used when `remoteForecast` forecasts on an endpoint.
   */
  readonly select?: SelectOption;
  /** Minutes ahead written to the predictions table; default 5, 10, 15. */
  readonly horizons?: readonly number[];
  /**
   * Measures the anomaly model sees; default all seven. `['globalActivePower']` with
   * `shingleSize: 8` matches the shipped SageMaker-compatible `rcf` model.
   */
  readonly features?: readonly string[];
  /** Windows per shingle; default 4. */
  readonly shingleSize?: number;
  /** Forest options; default {@link WARM_FOREST}. */
  readonly forest?: Omit<RandomCutForestOptions, 'dimensions' | 'shingleSize'>;
  readonly thresholder?: ThresholderOptions;
  readonly remote?: RemoteRcfOptions;
  readonly allowedLatenessMs?: number;
  readonly idleTimeoutMs?: number;
  readonly retain?: number;
  /** The daily rest-of-the-month forecast; default on with its defaults, `false` turns it off. */
  readonly monthly?: MonthlyForecastOptions | false;
  /**
   * Forecast on a SageMaker endpoint in the format it names (`shardflow` | `deepar`), with
   * `forecaster` as the fallback; default in process.
   */
  readonly remoteForecast?: RemoteForecastOptions;
}

/**
 * The households pipeline as a {@link ReadingChainSpec}.
 * @example `createPipeline([householdSpec({ forecaster })], { state: new KeyedStateBackend() })`
 */
export function householdSpec(options: HouseholdPipelineOptions = {}): ReadingChainSpec {
  const {
    forecaster = spanAverage(15),
    horizons = [5, 10, 15],
    select,
    features = HOUSEHOLD_MEASURES,
    shingleSize = 4,
    forest = WARM_FOREST,
    thresholder,
    remote,
    allowedLatenessMs,
    idleTimeoutMs,
    retain,
    monthly = {},
    remoteForecast: endpoint,
  } = options;
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
    anomaly: {
      features,
      shingleSize,
      forest,
      ...(thresholder ? { thresholder } : {}),
      ...(remote ? { remote } : {}),
    },
    // forecast in the chain, or by the endpoint stage after it (the ring keeps its input)
    ...(endpoint
      ? {}
      : { forecast: { measure, forecaster, horizons, ...forecastSelection(select, forecaster) } }),
    ...(allowedLatenessMs !== undefined ? { allowedLatenessMs } : {}),
    ...(idleTimeoutMs !== undefined ? { idleTimeoutMs } : {}),
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
