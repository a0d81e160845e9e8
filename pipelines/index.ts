/**
 * @module pipelines
 * The pipeline runtime (shard runners on keyed state, the sink stage, the worker), the keyed
 * state (backend, snapshot format, S3 snapshot store), the catalog of pipelines by name and
 * the shipped pipeline specs (devices, households, machines), built from the public operators.
 */
export { Shardflow } from './shardflow.js';
export { PipelineCatalog, shippedCatalog } from './catalog.js';
export type { PipelineFactory, PipelineOptions, PipelineSpecs } from './catalog.js';
export type {
  ShardflowConsumerOptions,
  ShardflowOptions,
  ShardflowPipelineOptions,
  ShardflowProducerOptions,
  ShardflowWorkerOptions,
} from './shardflow.js';
export {
  chainModels,
  createPipeline,
  createResultSinks,
  deadLetterItem,
  fileModelSource,
  loadForecaster,
  lookback,
  NO_OUTPUTS,
  openInputs,
  outputCount,
  readingChain,
  reloadingForecaster,
  runPipeline,
  s3ModelSource,
  ShardRunner,
  shingleColumns,
  shingleFeatures,
  startPipelineWorker,
  thresholderCodec,
  writeItems,
  writeResults,
} from './runtime/index.js';
export type {
  ChainContext,
  ChainModelsOptions,
  ForecastSpec,
  ModelSource,
  ReloadingForecaster,
  InFlight,
  ItemFailure,
  LookbackOptions,
  Looked,
  OpenInputs,
  OpenInputsOptions,
  Outputs,
  PipelineEvent,
  PipelineStats,
  PipelineWorker,
  PipelineWorkerOptions,
  ReadingChainSpec,
  ResultItem,
  ResultRow,
  ResultSinks,
  ResultSinksOptions,
  Ring,
  RunnerEvent,
  RunningPipeline,
  RunPipelineOptions,
  DocumentSpec,
  ShardPipeline,
  ShardRunnerOptions,
  WriteReport,
  WriteResultsOptions,
} from './runtime/index.js';
export {
  createS3SnapshotStore,
  decodeSnapshot,
  encodeSnapshot,
  inRange,
  jsonCodec,
  KeyedState,
  KeyedStateBackend,
  keyInRange,
  MemorySnapshotStore,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  SnapshotVersionError,
} from './state/index.js';
export type {
  HashKeyRange,
  S3SnapshotStoreOptions,
  ShardSnapshot,
  SnapshotStore,
  StateSnapshot,
  ValueCodec,
} from './state/index.js';
export { createDevicePipeline, deviceSpec, WARM_FOREST } from './devices/index.js';
export type { DevicePipelineOptions } from './devices/index.js';
export {
  defaultTrend,
  forecastSelection,
  spanAverage,
  SELECTION_SPANS,
} from './runtime/forecast-selection.js';
export type { SelectOption } from './runtime/forecast-selection.js';
export { createHouseholdPipeline, householdSpec } from './households/index.js';
export type { HouseholdPipelineOptions } from './households/index.js';
export { isMtconnectDocument, machineDocumentSpec, machinePipeline } from './machines/index.js';
export type { LastValues, MachinePipelineOptions, MachineScore } from './machines/index.js';
export {
  BATCH_SCORES_TABLE,
  batchScoreHouseholds,
  collectTransformOutput,
  householdWindows,
  transformJobRequest,
} from './batch/index.js';
export type { BatchScoreOptions, BatchScoreSummary, TransformJobInput } from './batch/index.js';
