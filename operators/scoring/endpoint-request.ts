/**
 * @module operators/scoring/endpoint-request
 * One batch of `invokeEndpoint` as one request to a model endpoint — retried with the core
 * retry helper on retriable failures, timed out per attempt, behind the circuit breaker —
 * and, when the endpoint cannot answer, the fallback's results or one `unscorable` dead
 * letter per value. Also the endpoint's wire types and the operator's options.
 */
import {
  asyncScheduler,
  defer,
  finalize,
  from,
  mergeMap,
  type Observable,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import {
  ConfigError,
  RetriesExhaustedError,
  retry,
  type RetryOptions,
  deadLetter,
  describe,
  isRetriable,
  type Traced,
} from '../../core/index.js';
import type { Flow } from '../flow/index.js';
import type { BreakerState, CircuitBreaker, CircuitBreakerOptions } from './circuit-breaker.js';
import { CircuitOpenError, InferenceTimeoutError } from './errors.js';

/** SageMaker's real-time payload limit. */
export const SAGEMAKER_MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** One request to a model endpoint. */
export interface InferenceRequest {
  readonly body: string;
  readonly contentType: string;
  readonly accept: string;
  /** Instances in the body. */
  readonly instances: number;
}

/** A model endpoint's answer. */
export interface InferenceResponse {
  readonly body: string;
  readonly contentType?: string;
}

/**
 * The injected I/O: performs one request; must honour `signal` (abort on timeout). A failure
 * worth retrying (throttling, 5xx, network) is thrown as a core `RetriableError` (any error
 * with `retriable: true`); anything else dead-letters the batch at once.
 */
export type Invoke = (request: InferenceRequest, signal: AbortSignal) => Promise<InferenceResponse>;

/** A value with the model's result for it. */
export interface Inferred<T, R> {
  readonly input: T;
  readonly result: R;
  /** Who answered: the endpoint, or the fallback. */
  readonly source: 'remote' | 'fallback';
}

/** Named telemetry events of {@link invokeEndpoint}. */
export type InferenceEvent =
  | { readonly type: 'inference.request'; readonly instances: number; readonly bytes: number }
  | {
      readonly type: 'inference.retry';
      readonly attempt: number;
      readonly delayMs: number;
      readonly reason: string;
    }
  | { readonly type: 'inference.fallback'; readonly instances: number; readonly reason: string }
  | { readonly type: 'inference.dead-letter'; readonly instances: number; readonly reason: string }
  | { readonly type: 'inference.breaker'; readonly state: BreakerState };

/** Options of {@link invokeEndpoint}. */
export interface InvokeEndpointOptions<T, R> {
  /** Performs a request (e.g. SageMaker Runtime InvokeEndpoint). */
  readonly invoke: Invoke;
  /** Decodes a response into one result per instance (throw if it cannot). */
  readonly decode: (response: InferenceResponse, count: number) => R[];
  /** Encodes a batch; default JSON `{"instances": values}`. */
  readonly encode?: (values: readonly T[]) => { body: string; contentType: string };
  /** Size estimate of one value in a request; default its JSON length + 1. */
  readonly instanceBytes?: (value: T) => number;
  /** Largest batch; default 100. */
  readonly maxBatchSize?: number;
  /** Largest request body; default 6 MB (`SAGEMAKER_MAX_PAYLOAD_BYTES`). */
  readonly maxBatchBytes?: number;
  /** Longest a value waits for its batch to fill; default 50 ms. */
  readonly maxWaitMs?: number;
  /** Requests in flight at once; default 4. */
  readonly concurrency?: number;
  /** Per-request timeout; default 60,000 ms (SageMaker gives a container 60 s). */
  readonly timeoutMs?: number;
  /** Retry policy (core retry helper); default 3 retries, 100 ms initial back-off. */
  readonly retry?: Pick<
    RetryOptions,
    'retries' | 'initialDelayMs' | 'maxDelayMs' | 'factor' | 'random'
  >;
  /** Circuit breaker policy. */
  readonly breaker?: CircuitBreakerOptions;
  /** Answers a batch when the endpoint cannot (e.g. an embedded model); default none → dead letters. */
  readonly fallback?: (values: readonly T[]) => R[];
  /** Scheduler for batching waits, timeouts, back-off and the breaker clock; default asyncScheduler. */
  readonly scheduler?: SchedulerLike;
  /** Receives telemetry events. */
  readonly onEvent?: (event: InferenceEvent) => void;
}

/**
 * One batch as one request (retried, timed out, behind the breaker), emitting an output per
 * value; unsubscribing aborts the request and its back-off.
 */
export function request<T, R>(
  options: InvokeEndpointOptions<T, R>,
  breaker: CircuitBreaker,
  batch: readonly Traced<T>[],
): Observable<Flow<Inferred<T, R>>> {
  return defer(() => {
    const { scheduler = asyncScheduler, timeoutMs = 60_000, onEvent } = options;
    const { invoke, decode, retry: retryPolicy = {} } = options;
    const encode =
      options.encode ??
      ((values: readonly T[]) => ({
        body: JSON.stringify({ instances: values }),
        contentType: 'application/json',
      }));
    const stop = new AbortController();
    const timers = new Set<Subscription>();
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer: Subscription = scheduler.schedule(() => {
          timers.delete(timer);
          resolve();
        }, ms);
        timers.add(timer);
      });
    const attempt = (req: InferenceRequest) =>
      new Promise<InferenceResponse>((resolve, reject) => {
        const controller = new AbortController();
        const abort = () => controller.abort();
        stop.signal.addEventListener('abort', abort, { once: true });
        const timer = scheduler.schedule(() => {
          controller.abort();
          reject(new InferenceTimeoutError(timeoutMs));
        }, timeoutMs);
        invoke(req, controller.signal)
          .then(resolve, reject)
          .finally(() => {
            timer.unsubscribe();
            stop.signal.removeEventListener('abort', abort);
          });
      });
    const run = async (): Promise<Flow<Inferred<T, R>>[]> => {
      const values = batch.map((t) => t.value);
      try {
        if (!breaker.tryAcquire()) throw new CircuitOpenError();
        const { body, contentType } = encode(values);
        const req: InferenceRequest = {
          body,
          contentType,
          accept: 'application/json',
          instances: values.length,
        };
        onEvent?.({ type: 'inference.request', instances: values.length, bytes: body.length });
        let response: InferenceResponse;
        try {
          response = await retry(() => attempt(req), {
            ...retryPolicy,
            retries: retryPolicy.retries ?? 3,
            shouldRetry: (error) => !stop.signal.aborted && isRetriable(error),
            sleep,
            onRetry: (error, n, delayMs) =>
              onEvent?.({
                type: 'inference.retry',
                attempt: n + 1,
                delayMs,
                reason: describe(error),
              }),
          });
        } catch (error) {
          if (error instanceof RetriesExhaustedError || isRetriable(error)) breaker.onFailure();
          else breaker.onSuccess(); // the endpoint answered: it is up, the request was bad
          throw error;
        }
        breaker.onSuccess();
        const results = decode(response, values.length);
        if (results.length !== values.length)
          throw new ConfigError(
            'response',
            `expected ${values.length} results, got ${results.length}`,
          );
        return batch.map((t, i) => ({
          value: { input: t.value, result: results[i] as R, source: 'remote' as const },
          positions: t.positions,
        }));
      } catch (error) {
        return failed(options, batch, error);
      }
    };
    return from(run()).pipe(
      mergeMap((outputs) => outputs),
      finalize(() => {
        stop.abort();
        for (const t of timers) t.unsubscribe();
      }),
    );
  });
}

/**
 * The outputs of a batch the endpoint could not answer: the fallback's results, or one
 * `unscorable` dead letter per value with the reason.
 */
export function failed<T, R>(
  options: InvokeEndpointOptions<T, R>,
  batch: readonly Traced<T>[],
  error: unknown,
): Flow<Inferred<T, R>>[] {
  const { fallback, onEvent } = options;
  const reason = describe(error instanceof RetriesExhaustedError ? (error.cause ?? error) : error);
  const deadLetters = (why: string) => {
    onEvent?.({ type: 'inference.dead-letter', instances: batch.length, reason: why });
    return batch.map((t) =>
      deadLetter('unscorable', `inference failed: ${why}`, t.value, t.positions),
    );
  };
  if (!fallback) return deadLetters(reason);
  try {
    const results = fallback(batch.map((t) => t.value));
    if (results.length !== batch.length)
      throw new Error('fallback returned the wrong number of results');
    onEvent?.({ type: 'inference.fallback', instances: batch.length, reason });
    return batch.map((t, i) => ({
      value: { input: t.value, result: results[i] as R, source: 'fallback' as const },
      positions: t.positions,
    }));
  } catch (fallbackError) {
    return deadLetters(`${reason}; fallback failed: ${describe(fallbackError)}`);
  }
}
