/**
 * @module operators
 * Pure RxJS operators: decode, validate, normalize, windows, pivot, resample, features and
 * the model-calling operators. Nothing here performs I/O.
 */
export { batchBy, isDeadLetter, keyedOperator, mapTraced, splitDeadLetters } from './flow/index.js';
export type {
  BatchByOptions,
  Flow,
  KeyedLogic,
  KeyedOperatorOptions,
  MapTracedOptions,
} from './flow/index.js';
export { decode, validate } from './codec/index.js';
export type { DecodeOptions, ValidateOptions } from './codec/index.js';
export {
  EMPTY_STATS,
  normalize,
  RunningStatsStore,
  stdDev,
  units,
  welford,
} from './normalize/index.js';
export type {
  NormalizedReading,
  NormalizeOptions,
  RunningStats,
  ScaleMethod,
  StatsSnapshot,
} from './normalize/index.js';
export {
  combine,
  count,
  countTrigger,
  countWindow,
  eventTimeWindow,
  last,
  max,
  mean,
  min,
  perMeasure,
  reduce,
  session,
  sliding,
  sum,
  tumbling,
  WindowEngine,
  windowStarts,
} from './window/index.js';
export type {
  Aggregator,
  CountAssigner,
  Extract,
  FiredBy,
  SessionAssigner,
  SlidingAssigner,
  TriggerResult,
  TumblingAssigner,
  WindowAssigner,
  WindowEngineSettings,
  WindowOptions,
  WindowResult,
  WindowTrigger,
  WindowView,
} from './window/index.js';
export { parsePredictionName, pivot, predictionColumns, predictionName } from './pivot/index.js';
export type { LongRow, PivotOptions, WideRow } from './pivot/index.js';
export { resample } from './resample/index.js';
export type { FillMethod, ResampledPoint, ResampleOptions } from './resample/index.js';
export {
  CircuitBreaker,
  CircuitOpenError,
  decodePredictions,
  decodeRcf,
  encodeRcf,
  encodeWindows,
  forecast,
  InferenceTimeoutError,
  invokeEndpoint,
  SAGEMAKER_MAX_PAYLOAD_BYTES,
  scoreAnomalies,
  watchSilence,
} from './scoring/index.js';
export type {
  AnomalyScore,
  BreakerState,
  CircuitBreakerOptions,
  Forecast,
  ForecastOptions,
  InferenceEvent,
  InferenceRequest,
  InferenceResponse,
  Inferred,
  Invoke,
  InvokeEndpointOptions,
  KeyedModels,
  RemoteRcfOptions,
  ScoreAnomaliesOptions,
  WatchSilenceOptions,
} from './scoring/index.js';
export { IdleTracker } from './scheduling/index.js';
export {
  CONDITION_LEVELS,
  decodeMtconnect,
  deviceTypeOf,
  mtMappingSchema,
  observationRow,
  parseMtMapping,
} from './mtconnect/index.js';
export type {
  MtCategory,
  MtDecoded,
  MtDeviceType,
  MtMapping,
  MtObservation,
  MtProblem,
} from './mtconnect/index.js';
