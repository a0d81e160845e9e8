/**
 * @module operators/scoring
 * Inference operators with the I/O injected: batching endpoint invocation with retries,
 * timeout, circuit breaker and fallback; anomaly scoring per key; forecasting.
 */
export { invokeEndpoint } from './invoke-endpoint.js';
export { SAGEMAKER_MAX_PAYLOAD_BYTES } from './endpoint-request.js';
export type {
  Invoke,
  InferenceRequest,
  InferenceResponse,
  Inferred,
  InferenceEvent,
  InvokeEndpointOptions,
} from './endpoint-request.js';
export { CircuitBreaker } from './circuit-breaker.js';
export type { CircuitBreakerOptions, BreakerState } from './circuit-breaker.js';
export { InferenceTimeoutError, CircuitOpenError } from './errors.js';
export { encodeRcf, decodeRcf, encodeWindows, decodePredictions } from './payloads.js';
export { scoreAnomalies, outOfRangeMark } from './score-anomalies.js';
export type {
  AnomalyScore,
  KeyedModels,
  ScoredWindow,
  ScoreAnomaliesOptions,
  RemoteRcfOptions,
} from './score-anomalies.js';
export { watchSilence } from './watch-silence.js';
export type { WatchSilenceOptions } from './watch-silence.js';
export { forecast } from './forecast.js';
export type { Forecast, ForecastOptions } from './forecast.js';
