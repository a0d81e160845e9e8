/**
 * @module adapters/aws-errors
 * The one classification of AWS SDK errors, at the SDK edge: is a failed call (or a failed
 * entry of a batch call) throttled, otherwise worth retrying, or fatal? Decided by data —
 * the error's name or code, the SDK's `$retryable` flag, the HTTP status, a SageMaker
 * `ModelError`'s `OriginalStatusCode`, a network error code — never by message text.
 * Producers, consumers, sinks and the SageMaker invoker all ask here; pure code (operators)
 * sees the verdict as a core {@link ShardflowError} through {@link toShardflowError}.
 */
import { RetriesExhaustedError, ShardflowError } from '../core/index.js';

/** How a failed call or entry should be treated: back off harder, retry, or give up. */
export type AwsErrorKind = 'throttle' | 'retriable' | 'fatal';

/** Throttling: slow down (the producer also penalizes the shard). */
const THROTTLES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'LimitExceededException',
  'KMSThrottlingException',
  'SlowDown',
]);

/** Transient service or network conditions. */
const TRANSIENT = new Set([
  'InternalFailure',
  'InternalFailureException', // Kinesis' SubscribeToShard exception event
  'InternalError',
  'InternalServerError',
  'InternalServerException',
  'InternalDependencyException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'ModelNotReadyException',
  // a stream or table still being created, resharded or updated: the same call succeeds later
  'ResourceInUseException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

/** Requests that will fail the same way again. */
const FATAL = new Set([
  'ResourceNotFoundException',
  'ValidationException',
  'ValidationError',
  'InvalidArgumentException',
  'AccessDeniedException',
  'KMSAccessDeniedException',
  'KMSDisabledException',
  'KMSInvalidStateException',
  'KMSNotFoundException',
  'KMSOptInRequired',
  'UnrecognizedClientException',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'ConditionalCheckFailedException',
  'NoSuchBucket',
]);

interface SdkErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly $retryable?: { readonly throttling?: boolean } | boolean;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly statusCode?: unknown;
  readonly OriginalStatusCode?: unknown;
}

const shape = (error: unknown): SdkErrorShape =>
  typeof error === 'object' && error !== null ? (error as SdkErrorShape) : {};

/**
 * The code of an SDK error, a per-entry failure or a shardflow error: the service's error
 * name (`ProvisionedThroughputExceededException`), else a Node `code` (`ECONNRESET`), else the
 * shardflow `code`; when retries ran out, the code of the last error. `Error` if none.
 */
export function awsErrorCode(error: unknown): string {
  if (error instanceof RetriesExhaustedError) return awsErrorCode(error.cause);
  if (error instanceof ShardflowError) return error.code;
  const e = shape(error);
  if (typeof e.name === 'string' && e.name !== 'Error') return e.name;
  if (typeof e.code === 'string') return e.code;
  return 'Error';
}

/** The HTTP status of an SDK-shaped error, if it has one. */
export function awsErrorStatus(error: unknown): number | undefined {
  const e = shape(error);
  const status = e.$metadata?.httpStatusCode ?? e.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Classifies an error code alone (a `PutRecords` entry's `ErrorCode`, say). Codes that are
 * not known fall back to `unknown` — retriable for a producer that must not drop records on
 * a new service code, fatal for callers that prefer failing fast.
 */
export function classifyAwsErrorCode(code: string, unknown: AwsErrorKind = 'fatal'): AwsErrorKind {
  if (THROTTLES.has(code)) return 'throttle';
  if (TRANSIENT.has(code)) return 'retriable';
  if (FATAL.has(code)) return 'fatal';
  return unknown;
}

/**
 * Classifies a thrown error. Shardflow errors keep their own `retriable` flag (a
 * {@link RetriesExhaustedError} is fatal: the retrying is over); a SageMaker `ModelError`
 * is judged by the model's own status; then the name or code; then the SDK's `$retryable`
 * flag and the HTTP status (429 throttle, 5xx retriable, other 4xx fatal).
 *
 * @example `if (classifyAwsError(error) === 'throttle') penalize(shardId)`
 */
export function classifyAwsError(error: unknown, unknown: AwsErrorKind = 'fatal'): AwsErrorKind {
  if (error instanceof ShardflowError) return error.retriable ? 'retriable' : 'fatal';
  const e = shape(error);
  if (e.name === 'ModelError' && typeof e.OriginalStatusCode === 'number') {
    return byStatus(e.OriginalStatusCode) ?? 'fatal';
  }
  const byCode = classifyAwsErrorCode(awsErrorCode(error), 'fatal');
  if (byCode !== 'fatal' || FATAL.has(awsErrorCode(error))) return byCode;
  if (e.$retryable) {
    return typeof e.$retryable === 'object' && e.$retryable.throttling ? 'throttle' : 'retriable';
  }
  return byStatus(awsErrorStatus(error)) ?? unknown;
}

function byStatus(status: number | undefined): AwsErrorKind | undefined {
  if (status === undefined) return undefined;
  if (status === 429) return 'throttle';
  if (status >= 500) return 'retriable';
  if (status >= 400) return 'fatal';
  return undefined;
}

/**
 * Whether repeating the failed call may succeed (throttling, 5xx, network, timeouts).
 * @example `retry(() => client.send(cmd), { shouldRetry: isRetriableAwsError })`
 */
export function isRetriableAwsError(error: unknown): boolean {
  return classifyAwsError(error) !== 'fatal';
}

/**
 * An SDK error as a core {@link ShardflowError}: `code` is the service's error name,
 * `retriable` the verdict of {@link classifyAwsError}, the HTTP status is in the message and
 * the SDK error is the `cause`. Lets pure code (operators) decide with `isRetriable` without
 * knowing the SDK. Shardflow errors pass through unchanged.
 */
export function toShardflowError(error: unknown): ShardflowError {
  if (error instanceof ShardflowError) return error;
  const status = awsErrorStatus(error);
  const message = error instanceof Error ? error.message : String(error);
  return new ShardflowError(
    awsErrorCode(error),
    `${awsErrorCode(error)}: ${message}${status === undefined ? '' : ` (HTTP ${status})`}`,
    { retriable: classifyAwsError(error) !== 'fatal', cause: error },
  );
}
