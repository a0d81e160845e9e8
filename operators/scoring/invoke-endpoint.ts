/**
 * @module operators/scoring/invoke-endpoint
 * `invokeEndpoint`: sends the values of a {@link Flow} to a model endpoint in batches —
 * by count, by bytes (≤ SageMaker's 6 MB payload) and by a maximum wait on the injected
 * scheduler — with bounded concurrency, a per-request timeout, retries with the core
 * retry helper on throttling/5xx/timeouts, and a circuit breaker. When a batch fails for
 * good (or the breaker is open) the fallback (e.g. an embedded RCF) answers, or every
 * record of the batch becomes an `unscorable` dead letter with the reason.
 * The I/O is the injected `invoke` function, so the operator stays pure.
 * Invariant: every input leaves exactly once — as a result or a dead letter — carrying
 * exactly its own positions, so its position is acknowledged only after it has one.
 * Results leave in batch-completion order (use `concurrency: 1` to keep input order).
 */
import {
  Observable,
  asyncScheduler,
  type OperatorFunction,
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
import { isDeadLetter, type Flow } from '../flow/index.js';
import {
  CircuitBreaker,
  type BreakerState,
  type CircuitBreakerOptions,
} from './circuit-breaker.js';
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
  /** Largest request body; default 6 MB. */
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

const ENVELOPE_BYTES = 16;

/**
 * Batches values to a model endpoint (see module doc).
 *
 * @example
 * readings$.pipe(invokeEndpoint({ invoke: sagemaker, decode: rcfScores, fallback: embedded }))
 */
export function invokeEndpoint<T, R>(
  options: InvokeEndpointOptions<T, R>,
): OperatorFunction<Flow<T>, Flow<Inferred<T, R>>> {
  const {
    invoke,
    decode,
    encode = (values: readonly T[]) => ({
      body: JSON.stringify({ instances: values }),
      contentType: 'application/json',
    }),
    instanceBytes = (value: T) => JSON.stringify(value).length + 1,
    maxBatchSize = 100,
    maxBatchBytes = SAGEMAKER_MAX_PAYLOAD_BYTES,
    maxWaitMs = 50,
    concurrency = 4,
    timeoutMs = 60_000,
    retry: retryPolicy = {},
    breaker: breakerOptions = {},
    fallback,
    scheduler = asyncScheduler,
    onEvent,
  } = options;
  const positiveInt = (field: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new ConfigError(field, 'must be an integer ≥ 1');
  };
  positiveInt('maxBatchSize', maxBatchSize);
  positiveInt('concurrency', concurrency);
  if (!(maxBatchBytes > ENVELOPE_BYTES) || maxBatchBytes > SAGEMAKER_MAX_PAYLOAD_BYTES)
    throw new ConfigError(
      'maxBatchBytes',
      `must be in (${ENVELOPE_BYTES}, ${SAGEMAKER_MAX_PAYLOAD_BYTES}]`,
    );
  if (!(maxWaitMs >= 0)) throw new ConfigError('maxWaitMs', 'must be ≥ 0');
  if (!(timeoutMs > 0)) throw new ConfigError('timeoutMs', 'must be > 0');

  return (source) =>
    new Observable<Flow<Inferred<T, R>>>((subscriber) => {
      const breaker = new CircuitBreaker(
        () => scheduler.now(),
        breakerOptions,
        (state) => onEvent?.({ type: 'inference.breaker', state }),
      );
      const sleep = (ms: number) =>
        new Promise<void>((resolve) => {
          const timer: Subscription = scheduler.schedule(() => {
            timers.delete(timer);
            resolve();
          }, ms);
          timers.add(timer);
        });
      const timers = new Set<Subscription>();
      const controllers = new Set<AbortController>();
      let pending: Traced<T>[] = [];
      let pendingBytes = ENVELOPE_BYTES;
      let waitTimer: Subscription | undefined;
      const queue: Traced<T>[][] = [];
      let inFlight = 0;
      let sourceDone = false;
      let closed = false;

      const finishIfDone = () => {
        if (sourceDone && inFlight === 0 && queue.length === 0 && pending.length === 0 && !closed) {
          closed = true;
          subscriber.complete();
        }
      };

      const flush = () => {
        waitTimer?.unsubscribe();
        waitTimer = undefined;
        if (pending.length === 0) return;
        queue.push(pending);
        pending = [];
        pendingBytes = ENVELOPE_BYTES;
        pump();
      };

      const emitFailure = (batch: Traced<T>[], error: unknown) => {
        const reason = describe(
          error instanceof RetriesExhaustedError ? (error.cause ?? error) : error,
        );
        if (fallback) {
          try {
            const results = fallback(batch.map((t) => t.value));
            if (results.length !== batch.length)
              throw new Error('fallback returned the wrong number of results');
            onEvent?.({ type: 'inference.fallback', instances: batch.length, reason });
            batch.forEach((t, i) =>
              subscriber.next({
                value: { input: t.value, result: results[i] as R, source: 'fallback' },
                positions: t.positions,
              }),
            );
            return;
          } catch (fallbackError) {
            return deadLetters(batch, `${reason}; fallback failed: ${describe(fallbackError)}`);
          }
        }
        deadLetters(batch, reason);
      };

      const deadLetters = (batch: Traced<T>[], reason: string) => {
        onEvent?.({ type: 'inference.dead-letter', instances: batch.length, reason });
        for (const t of batch)
          subscriber.next(
            deadLetter('unscorable', `inference failed: ${reason}`, t.value, t.positions),
          );
      };

      const attempt = (request: InferenceRequest) =>
        new Promise<InferenceResponse>((resolve, reject) => {
          const controller = new AbortController();
          controllers.add(controller);
          const timer = scheduler.schedule(() => {
            controller.abort();
            reject(new InferenceTimeoutError(timeoutMs));
          }, timeoutMs);
          invoke(request, controller.signal)
            .then(resolve, reject)
            .finally(() => {
              timer.unsubscribe();
              controllers.delete(controller);
            });
        });

      const run = async (batch: Traced<T>[]) => {
        const values = batch.map((t) => t.value);
        try {
          if (!breaker.tryAcquire()) throw new CircuitOpenError();
          const { body, contentType } = encode(values);
          const request: InferenceRequest = {
            body,
            contentType,
            accept: 'application/json',
            instances: values.length,
          };
          onEvent?.({ type: 'inference.request', instances: values.length, bytes: body.length });
          let response: InferenceResponse;
          try {
            response = await retry(() => attempt(request), {
              ...retryPolicy,
              retries: retryPolicy.retries ?? 3,
              shouldRetry: (error) => !closed && isRetriable(error),
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
          if (closed) return;
          batch.forEach((t, i) =>
            subscriber.next({
              value: { input: t.value, result: results[i] as R, source: 'remote' },
              positions: t.positions,
            }),
          );
        } catch (error) {
          if (!closed) emitFailure(batch, error);
        }
      };

      const pump = () => {
        while (!closed && inFlight < concurrency && queue.length > 0) {
          const batch = queue.shift() as Traced<T>[];
          inFlight += 1;
          void run(batch).finally(() => {
            inFlight -= 1;
            pump();
            finishIfDone();
          });
        }
      };

      const subscription = source.subscribe({
        next(element) {
          if (isDeadLetter(element)) {
            subscriber.next(element);
            return;
          }
          const bytes = instanceBytes(element.value);
          if (bytes + ENVELOPE_BYTES > maxBatchBytes) {
            emitFailure(
              [element],
              new ConfigError(
                'instance',
                `instance of ${bytes} bytes exceeds the ${maxBatchBytes}-byte payload limit`,
              ),
            );
            return;
          }
          if (pending.length > 0 && pendingBytes + bytes > maxBatchBytes) flush();
          pending.push(element);
          pendingBytes += bytes;
          if (pending.length >= maxBatchSize) flush();
          else if (waitTimer === undefined) waitTimer = scheduler.schedule(flush, maxWaitMs);
        },
        error(err: unknown) {
          closed = true;
          subscriber.error(err);
        },
        complete() {
          sourceDone = true;
          flush();
          finishIfDone();
        },
      });

      return () => {
        closed = true;
        subscription.unsubscribe();
        waitTimer?.unsubscribe();
        for (const t of timers) t.unsubscribe();
        for (const c of controllers) c.abort();
      };
    });
}
