/**
 * @module operators/scoring/errors
 * How inference failures are classified without importing the SDK: by the shape the
 * SageMaker Runtime client gives its exceptions (`name`, `$metadata.httpStatusCode`,
 * `OriginalStatusCode` of a `ModelError`). Throttling, 5xx, a model's own 5xx/429 and
 * timeouts are worth retrying and count against the circuit breaker; 4xx are not.
 */
import { RetriableError, ShardflowError, describe } from '../../core/index.js';

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

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalDependencyException',
  'ModelNotReadyException',
]);

/** HTTP status of an SDK-shaped error, if any. */
export function statusOf(error: unknown): number | undefined {
  const e = error as { $metadata?: { httpStatusCode?: number }; statusCode?: number } | null;
  return e?.$metadata?.httpStatusCode ?? e?.statusCode;
}

/** Whether an inference error is transient (retry it; it counts against the breaker). */
export function isTransientInferenceError(error: unknown): boolean {
  if (error instanceof ShardflowError) return error.retriable;
  const e = error as { name?: string; OriginalStatusCode?: number; code?: string } | null;
  if (e?.name && THROTTLING.has(e.name)) return true;
  if (e?.name === 'ModelError') {
    const original = e.OriginalStatusCode ?? 0;
    return original === 429 || original >= 500;
  }
  const status = statusOf(error);
  if (status !== undefined) return status === 429 || status >= 500;
  // network failures (connection refused/reset) have no status
  return (
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(e?.code ?? '') ||
    e?.name === 'TimeoutError'
  );
}

/** A one-line reason for a dead letter. */
export function failureReason(error: unknown): string {
  const status = statusOf(error);
  return `${describe(error)}${status ? ` (HTTP ${status})` : ''}`;
}
