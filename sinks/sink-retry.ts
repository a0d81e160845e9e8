/**
 * @module sinks/sink-retry
 * How the AWS sinks retry a call and report one that still failed: the core retry helper
 * with the caller's back-off over the sink's defaults, AWS-retriable errors (throttling, 5xx,
 * the sink's own partial-failure error) retried, a `sink.retry` event before each retry; and
 * the code, message and retriability of the items of a call given up on.
 */
import { RetriesExhaustedError, type RetryOptions } from '../core/index.js';
import { awsErrorCode, isRetriableAwsError } from '../adapters/index.js';
import type { SinkEvent, SinkFailure } from './sink.js';

/** The back-off a sink's caller may set (the rest of the retry policy is the sink's). */
export type SinkBackoff = Pick<
  RetryOptions,
  'retries' | 'initialDelayMs' | 'maxDelayMs' | 'random' | 'sleep'
>;

/**
 * Retry options for the calls of sink `name`: `backoff` over 8 retries, `initialDelayMs`
 * → 5 s; AWS-retriable errors retried; each retry told to `onEvent` as `sink.retry`.
 */
export function sinkRetryOptions(
  name: string,
  backoff: SinkBackoff,
  initialDelayMs: number,
  onEvent?: (event: SinkEvent) => void,
): RetryOptions {
  return {
    ...backoff,
    retries: backoff.retries ?? 8,
    initialDelayMs: backoff.initialDelayMs ?? initialDelayMs,
    maxDelayMs: backoff.maxDelayMs ?? 5_000,
    shouldRetry: isRetriableAwsError,
    onRetry: (error, attempt, delayMs) =>
      onEvent?.({ type: 'sink.retry', sink: name, attempt, delayMs, reason: awsErrorCode(error) }),
  };
}

/**
 * Why the items of a call given up on were not written: the error's AWS code and message;
 * retriable when retries ran out or the error itself is retriable.
 */
export function callFailure(error: unknown): Omit<SinkFailure<never>, 'item'> {
  return {
    code: awsErrorCode(error),
    message: error instanceof Error ? error.message : String(error),
    retriable: error instanceof RetriesExhaustedError || isRetriableAwsError(error),
  };
}
