/**
 * @module pipelines/runtime
 * Shared pipeline plumbing: one result item per window, the shared reading chain on keyed
 * state, the single sink stage, one shard runner per consumer session (snapshot barriers,
 * restore, commits), and running a pipeline on a consumer. See pipelines/README.md.
 */
export { deadLetterItem, NO_OUTPUTS, outputCount } from './result-item.js';
export type { Outputs, ResultItem, ResultRow } from './result-item.js';
export { lookback, ringCodec } from './lookback.js';
export type { LookbackOptions, Looked, Ring } from './lookback.js';
export { readingChain, shingleColumns, shingleFeatures } from './reading-chain.js';
export type { ChainContext, InFlight, ReadingChainSpec } from './reading-chain.js';
export { createPipeline } from './pipeline.js';
export type { DocumentSpec, ShardPipeline } from './pipeline.js';
export { writeItems, writeResults } from './write-results.js';
export type {
  ItemFailure,
  ResultSinks,
  WriteReport,
  WriteResultsOptions,
} from './write-results.js';
export { ShardRunner } from './shard-runner.js';
export type { RunnerEvent, ShardRunnerOptions } from './shard-runner.js';
export { chainModels, detectorCodec, thresholderCodec } from './chain-models.js';
export type { ChainModelsOptions } from './chain-models.js';
export { openInputs } from './open-inputs.js';
export type { OpenInputs, OpenInputsOptions } from './open-inputs.js';
export { createResultSinks } from './result-sinks.js';
export type { ResultSinksOptions } from './result-sinks.js';
export { runPipeline } from './run-pipeline.js';
export type {
  PipelineEvent,
  PipelineStats,
  RunningPipeline,
  RunPipelineOptions,
} from './run-pipeline.js';
export { loadForecaster, startPipelineWorker } from './pipeline-worker.js';
export { fileModelSource, reloadingForecaster, s3ModelSource } from './model-reload.js';
export type { ModelSource, ReloadOptions, ReloadingForecaster } from './model-reload.js';
export { chainForecast } from './chain-forecast.js';
export type { ChainForecast, ForecastSpec } from './chain-forecast.js';
export { forecastInput } from './forecast-input.js';
export type { ForecastInput } from './forecast-input.js';
export type { PipelineWorker, PipelineWorkerOptions } from './pipeline-worker.js';
