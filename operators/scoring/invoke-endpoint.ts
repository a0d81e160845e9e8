/**
 * @module operators/scoring/invoke-endpoint
 * `invokeEndpoint`: sends the values of a {@link Flow} to a model endpoint in batches —
 * by count, by bytes (≤ SageMaker's 6 MB payload) and by a maximum wait on the injected
 * scheduler — with bounded concurrency, a per-request timeout, retries with the core
 * retry helper on throttling/5xx/timeouts, and a circuit breaker. When a batch fails for
 * good (or the breaker is open) the fallback (e.g. an embedded RCF) answers, or every
 * record of the batch becomes an `unscorable` dead letter with the reason.
 * The I/O is the injected `invoke` function, so the operator stays pure. Composed from
 * `batchBy` (the one batching rule) and RxJS's `connect`, `merge` and `mergeMap` (the
 * concurrency bound); each batch is one `defer`red request whose teardown aborts it.
 * Invariant: every input leaves exactly once — as a result or a dead letter — carrying
 * exactly its own positions, so its position is acknowledged only after it has one.
 * Results leave in batch-completion order (use `concurrency: 1` to keep input order).
 */
import {
  asyncScheduler,
  connect,
  defer,
  filter,
  map,
  merge,
  mergeMap,
  type OperatorFunction,
} from 'rxjs';
import { ConfigError, type Traced } from '../../core/index.js';
import { batchBy, isDeadLetter, type Flow } from '../flow/index.js';
import { CircuitBreaker } from './circuit-breaker.js';
import {
  failed,
  request,
  SAGEMAKER_MAX_PAYLOAD_BYTES,
  type Inferred,
  type InvokeEndpointOptions,
} from './endpoint-request.js';

const ENVELOPE_BYTES = 16;

/** A traced value with its size in a request. */
interface Sized<T> {
  readonly traced: Traced<T>;
  readonly bytes: number;
}

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
    instanceBytes = (value: T) => JSON.stringify(value).length + 1,
    maxBatchSize = 100,
    maxBatchBytes = SAGEMAKER_MAX_PAYLOAD_BYTES,
    maxWaitMs = 50,
    concurrency = 4,
    timeoutMs = 60_000,
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
  const batches = batchBy<Sized<T>>({
    maxItems: maxBatchSize,
    maxBytes: maxBatchBytes,
    bytes: (s) => s.bytes,
    overheadBytes: ENVELOPE_BYTES,
    maxWaitMs,
    scheduler,
  });
  const fits = (s: Sized<T>) => s.bytes + ENVELOPE_BYTES <= maxBatchBytes;

  return (source) =>
    defer(() => {
      // one breaker per subscription: the endpoint's health as this stream sees it
      const breaker = new CircuitBreaker(
        () => scheduler.now(),
        options.breaker ?? {},
        (state) => onEvent?.({ type: 'inference.breaker', state }),
      );
      const fail = (batch: readonly Traced<T>[], error: unknown) => failed(options, batch, error);
      return source.pipe(
        connect((shared) =>
          merge(
            shared.pipe(filter(isDeadLetter)),
            shared.pipe(
              filter((e): e is Traced<T> => !isDeadLetter(e)),
              map((traced): Sized<T> => ({ traced, bytes: instanceBytes(traced.value) })),
              connect((sized) =>
                merge(
                  // an instance over the payload limit on its own is answered at once
                  sized.pipe(
                    filter((s) => !fits(s)),
                    mergeMap((s) =>
                      fail(
                        [s.traced],
                        new ConfigError(
                          'instance',
                          `instance of ${s.bytes} bytes exceeds the ${maxBatchBytes}-byte payload limit`,
                        ),
                      ),
                    ),
                  ),
                  sized.pipe(
                    filter(fits),
                    batches,
                    mergeMap(
                      (batch) =>
                        request(
                          options,
                          breaker,
                          batch.map((s) => s.traced),
                        ),
                      concurrency,
                    ),
                  ),
                ),
              ),
            ),
          ),
        ),
      );
    });
}
