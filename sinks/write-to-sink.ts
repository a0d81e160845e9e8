/**
 * @module sinks/write-to-sink
 * The RxJS end of a chain: collects traced items into batches (by count, or a time span
 * after a batch's first item on an injected scheduler) and writes each batch with a `Sink`, one
 * write at a time and in order, emitting every `SinkResult` — whose `durable`
 * positions the pipeline hands to the checkpointer. Invariant: a batch's result is
 * emitted only after its write resolved, and batches are written in arrival order; when
 * the source completes, the last partial batch is written before completion.
 */
import { concatMap, from, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { ConfigError } from '../core/index.js';
import { batchBy } from '../operators/index.js';

/** Options of {@link writeInBatches}. */
export interface WriteToSinkOptions {
  /** Largest batch handed to the sink; default 500. */
  readonly maxItems?: number;
  /** Longest an item waits for its batch to fill, ms; default 1,000. */
  readonly maxWaitMs?: number;
  /** Scheduler of the batching timer (a TestScheduler in tests). */
  readonly scheduler?: SchedulerLike;
}

/**
 * The one batching sink stage every pipeline end uses: collects values into batches with the
 * one batching rule, `batchBy` (by count, or `maxWaitMs` after a batch's first value on the
 * scheduler), and runs `write` on one batch at a time, in
 * arrival order, emitting each batch's outcome once its write resolved: with `sink.write` it
 * writes to one `Sink`; the pipeline runtime's `writeResults` writes a batch of result
 * items to all its sinks and retries them.
 *
 * @example `scores$.pipe(writeInBatches({ maxItems: 500 }, (batch) => lake.write(batch)))`
 */
export function writeInBatches<T, R>(
  options: WriteToSinkOptions,
  write: (batch: T[]) => Promise<R>,
): OperatorFunction<T, R> {
  const { maxItems = 500, maxWaitMs = 1_000, scheduler } = options;
  if (!Number.isInteger(maxItems) || maxItems < 1)
    throw new ConfigError('maxItems', 'must be a positive integer');
  if (!(maxWaitMs > 0)) throw new ConfigError('maxWaitMs', 'must be positive');
  return (source) =>
    source.pipe(
      batchBy({ maxItems, maxWaitMs, ...(scheduler ? { scheduler } : {}) }),
      concatMap((batch) => from(write(batch))),
    );
}
