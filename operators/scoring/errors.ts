/**
 * @module operators/scoring/errors
 * The inference operators' own errors. Failures are classified without importing the SDK,
 * by core errors only (`isRetriable`): a custom `Invoke` throws a `RetriableError` for a
 * transient failure.
 * The SDK edge classifies SageMaker's exceptions once (`adapters/aws-errors`: throttling,
 * 5xx, a model's own 5xx/429 and network failures are retriable, 4xx are not) and throws
 * flagged core errors; timeouts here are `RetriableError`s. Retriable failures count
 * against the circuit breaker.
 */
import { RetriableError, ShardflowError } from '../../core/index.js';

/** An invocation that took longer than its per-request timeout. */
export class InferenceTimeoutError extends RetriableError {
  constructor(ms: number) {
    super('INFERENCE_TIMEOUT', `invocation timed out after ${ms} ms`);
  }
}

/** Calls refused because the circuit breaker is open. */
export class CircuitOpenError extends ShardflowError {
  constructor() {
    super('CIRCUIT_OPEN', 'circuit breaker open: endpoint considered unhealthy');
  }
}
