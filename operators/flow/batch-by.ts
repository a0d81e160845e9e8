/**
 * @module operators/flow/batch-by
 * `batchBy`: the one batching rule — items are collected into a batch that is emitted when it
 * holds `maxItems`, when the next item would take it over `maxBytes`, or `maxWaitMs` after its
 * FIRST item arrived (scheduler time), whichever comes first; at completion the partial batch
 * is emitted, then the output completes. Unlike RxJS's `bufferTime`, no timer runs while
 * nothing waits and no empty batch is emitted. Used by `invokeEndpoint` (requests to a model
 * endpoint) and `writeInBatches` (writes to sinks). Items keep their order; none is dropped.
 */
import {
  asyncScheduler,
  Observable,
  type OperatorFunction,
  type SchedulerLike,
  type Subscription,
} from 'rxjs';
import { ConfigError } from '../../core/index.js';

/** Options of {@link batchBy}. */
export interface BatchByOptions<T> {
  /** Largest batch (items); default unbounded. */
  readonly maxItems?: number;
  /** Largest batch (bytes, as counted by `bytes` plus `overheadBytes`); default unbounded. */
  readonly maxBytes?: number;
  /** Size of one item; default 0 (only needed with `maxBytes`). */
  readonly bytes?: (item: T) => number;
  /** Bytes of a batch before any item (e.g. a request envelope); default 0. */
  readonly overheadBytes?: number;
  /** Longest an item waits for its batch to fill, ms (> 0, or 0 to emit on the next tick); default unbounded. */
  readonly maxWaitMs?: number;
  /** Scheduler of the wait; default `asyncScheduler` (virtual under `TestScheduler`). */
  readonly scheduler?: SchedulerLike;
}

/**
 * Collects items into batches by count, bytes and time (see module doc). An item larger than
 * `maxBytes` on its own leaves as a batch of one (the caller decides what to do with it).
 *
 * @example `requests$.pipe(batchBy({ maxItems: 100, maxBytes: 6e6, bytes: (r) => r.length, maxWaitMs: 50 }))`
 */
export function batchBy<T>(options: BatchByOptions<T>): OperatorFunction<T, T[]> {
  const {
    maxItems = Infinity,
    maxBytes = Infinity,
    bytes = () => 0,
    overheadBytes = 0,
    maxWaitMs,
    scheduler = asyncScheduler,
  } = options;
  if (maxItems !== Infinity && (!Number.isInteger(maxItems) || maxItems < 1))
    throw new ConfigError('maxItems', 'must be a positive integer');
  if (!(maxBytes > overheadBytes))
    throw new ConfigError('maxBytes', `must be more than the ${overheadBytes} overhead bytes`);
  if (maxWaitMs !== undefined && !(maxWaitMs >= 0))
    throw new ConfigError('maxWaitMs', 'must be ≥ 0');
  return (source) =>
    new Observable<T[]>((subscriber) => {
      let batch: T[] = [];
      let batchBytes = overheadBytes;
      let timer: Subscription | undefined;
      const flush = (): void => {
        timer?.unsubscribe();
        timer = undefined;
        if (batch.length === 0) return;
        const out = batch;
        batch = [];
        batchBytes = overheadBytes;
        subscriber.next(out);
      };
      const subscription = source.subscribe({
        next(item) {
          const size = bytes(item);
          if (batch.length > 0 && batchBytes + size > maxBytes) flush();
          batch.push(item);
          batchBytes += size;
          if (batch.length >= maxItems) flush();
          else if (timer === undefined && maxWaitMs !== undefined)
            timer = scheduler.schedule(flush, maxWaitMs);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          flush();
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        timer?.unsubscribe();
      };
    });
}
