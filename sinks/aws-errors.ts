/**
 * @module sinks/aws-errors
 * Which AWS SDK errors are transient (worth the retry helper's back-off): throttling,
 * 5xx, timeouts, and anything the SDK itself marks `$retryable`. Decided by data (name,
 * status, flag), never by message text.
 */
import { RetriesExhaustedError, ShardflowError, isRetriable } from '../core/index.js';

const TRANSIENT = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'ServiceUnavailableException',
  'ServiceUnavailable',
  'InternalServerError',
  'InternalFailure',
  'InternalServerException',
  'LimitExceededException',
  'TimeoutError',
  'RequestTimeout',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
]);

interface SdkErrorShape {
  name?: string;
  code?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** True for errors a later attempt may not hit. */
export function isTransientAwsError(error: unknown): boolean {
  if (isRetriable(error)) return true;
  if (typeof error !== 'object' || error === null) return false;
  const e = error as SdkErrorShape;
  if (e.$retryable) return true;
  if ((e.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  return TRANSIENT.has(e.name ?? '') || TRANSIENT.has(e.code ?? '');
}

/** The error's service name (or shardflow code; the last cause when retries ran out), for `SinkFailure.code`. */
export function errorCode(error: unknown): string {
  if (error instanceof RetriesExhaustedError) return errorCode(error.cause);
  if (error instanceof ShardflowError) return error.code;
  if (typeof error === 'object' && error !== null) {
    const e = error as SdkErrorShape;
    return e.name ?? e.code ?? 'Error';
  }
  return 'Error';
}
