/**
 * @module pipelines/runtime/write-results
 * The single sink stage of a pipeline: micro-batches {@link ResultItem}s (with the sinks' one
 * batching stage, `writeInBatches`), writes every output of a batch to its sink (score lines →
 * results Firehose, anomaly rows and prediction rows → DynamoDB, dead letters → dead-letter
 * Firehose) concurrently, and decides per ITEM
 * whether it is durable: only if none of its outputs failed in any sink. Durable items are
 * reported (`onDurable`: their shard may then commit past them). Sinks never give up
 * silently: items that failed are written again (all their outputs — keys are deterministic,
 * so rows overwrite and lake lines are at-least-once) with capped, jittered exponential
 * back-off (`core/retry`'s `backoffDelay`) for as long as their shard session lives
 * (`isAlive`: the lease is held); `onStatus` reports since when writes fail, so the worker
 * turns unhealthy after a while and healthy again when the sink returns.
 */
import {
  lastValueFrom,
  timer,
  asyncScheduler,
  type OperatorFunction,
  type SchedulerLike,
} from 'rxjs';
import { backoffDelay, type BackoffOptions } from '../../core/index.js';
import { PositionSet, traced, type DeadLetter, type Traced } from '../../core/index.js';
import { writeInBatches, type Sink, type SinkFailure, type SinkResult } from '../../sinks/index.js';
import type { ResultItem, ResultRow } from './result-item.js';

/** The destinations of a pipeline's outputs. */
export interface ResultSinks {
  readonly scores: Sink<Readonly<Record<string, unknown>>>;
  readonly anomalies: Sink<ResultRow>;
  readonly predictions: Sink<ResultRow>;
  readonly readings: Sink<ResultRow>;
  readonly deadLetters: {
    write(deadLetters: readonly DeadLetter[]): Promise<SinkResult<DeadLetter>>;
  };
}

/** Why an item is not durable after a write. */
export interface ItemFailure {
  readonly item: ResultItem;
  readonly failures: readonly { sink: keyof ResultSinks; code: string; retriable: boolean }[];
}

/** The outcome of writing one batch of items. */
export interface WriteReport {
  /** Items durable in every sink (reported through `onDurable`). */
  readonly durable: readonly ResultItem[];
  /** Items given up (their shard session ended: the next owner rewrites them). */
  readonly failed: readonly ItemFailure[];
  /** Write attempts made for this batch. */
  readonly attempts: number;
}

/**
 * Writes the outputs of `items` to `sinks` once and classifies every item. Never rejects: a
 * sink call that rejects counts as a retriable failure of all its items.
 *
 * @example `const { durable, failed } = await writeItems(sinks, items)`
 */
export async function writeItems(
  sinks: ResultSinks,
  items: readonly ResultItem[],
): Promise<{ durable: ResultItem[]; failed: ItemFailure[] }> {
  const owner = new Map<unknown, ResultItem>();
  const scores: Traced<Readonly<Record<string, unknown>>>[] = [];
  const anomalies: Traced<ResultRow>[] = [];
  const predictions: Traced<ResultRow>[] = [];
  const readings: Traced<ResultRow>[] = [];
  const deadLetters: DeadLetter[] = [];
  const add = <T>(list: Traced<T>[], item: ResultItem, value: T): void => {
    owner.set(value, item);
    list.push(traced(value, PositionSet.empty));
  };
  for (const item of items) {
    const o = item.outputs;
    for (const v of o.scores) add(scores, item, v);
    for (const v of o.anomalies) add(anomalies, item, v);
    for (const v of o.predictions) add(predictions, item, v);
    for (const v of o.readings) add(readings, item, v);
    for (const v of o.deadLetters) {
      owner.set(v, item);
      deadLetters.push(v);
    }
  }
  const failures = new Map<ResultItem, ItemFailure['failures'][number][]>();
  const fail = (item: ResultItem | undefined, f: ItemFailure['failures'][number]) => {
    if (!item) return;
    const list = failures.get(item) ?? [];
    list.push(f);
    failures.set(item, list);
  };
  const run = async <T>(
    sink: keyof ResultSinks,
    values: readonly unknown[],
    write: () => Promise<{ failures: readonly SinkFailure<T>[] }>,
  ): Promise<void> => {
    if (values.length === 0) return;
    try {
      const result = await write();
      for (const f of result.failures)
        fail(owner.get(f.item.value), { sink, code: f.code, retriable: f.retriable });
    } catch (error) {
      const code = (error as { code?: string }).code ?? (error as Error).name ?? 'Error';
      for (const v of values) fail(owner.get(v), { sink, code, retriable: true });
    }
  };
  await Promise.all([
    // a rejected call fails every item of it: the owners are looked up by the raw values
    run('scores', untraced(scores), () => sinks.scores.write(scores)),
    run('anomalies', untraced(anomalies), () => sinks.anomalies.write(anomalies)),
    run('predictions', untraced(predictions), () => sinks.predictions.write(predictions)),
    run('readings', untraced(readings), () => sinks.readings.write(readings)),
    run('deadLetters', deadLetters, () => sinks.deadLetters.write(deadLetters)),
  ]);
  const durable: ResultItem[] = [];
  const failed: ItemFailure[] = [];
  for (const item of items) {
    const f = failures.get(item);
    if (f) failed.push({ item, failures: f });
    else durable.push(item);
  }
  return { durable, failed };
}

const untraced = <T>(list: readonly Traced<T>[]): T[] => list.map((t) => t.value);

/** Options of {@link writeResults}. */
export interface WriteResultsOptions {
  readonly sinks: ResultSinks;
  /** Receives the items that became durable (in batch order). */
  readonly onDurable?: (items: readonly ResultItem[]) => void;
  /** False once an item's shard session ended: it is no longer retried. Default: always true. */
  readonly isAlive?: (item: ResultItem) => boolean;
  /** Items per batch; default 500. */
  readonly maxItems?: number;
  /** Longest an item waits for its batch (scheduler time); default 1,000 ms. */
  readonly maxWaitMs?: number;
  /** Back-off between attempts; default 200 ms doubling up to 5 s, full jitter. */
  readonly backoff?: BackoffOptions;
  /** Uniform random numbers in [0, 1) for the jitter; default `Math.random`. */
  readonly random?: () => number;
  /** Scheduler time since writes keep failing, or undefined once a batch got through. */
  readonly onStatus?: (failingSince: number | undefined) => void;
  readonly scheduler?: SchedulerLike;
}

/**
 * The sink stage as an RxJS operator: batches items by count or time, writes one batch at a
 * time in order, retries what failed (see module doc), reports durable items, and emits a
 * {@link WriteReport} per batch.
 *
 * @example
 * ```ts
 * items$.pipe(writeResults({ sinks, onDurable: (items) => commitIfDone(items) })).subscribe();
 * ```
 */
export function writeResults(
  options: WriteResultsOptions,
): OperatorFunction<ResultItem, WriteReport> {
  const {
    sinks,
    onDurable = () => {},
    isAlive = () => true,
    maxItems = 500,
    maxWaitMs = 1_000,
    backoff = { initialDelayMs: 200, maxDelayMs: 5_000 },
    random = Math.random,
    onStatus = () => {},
    scheduler = asyncScheduler,
  } = options;
  let failingSince: number | undefined;
  return writeInBatches(
    { maxItems, maxWaitMs, scheduler },
    async (batch: ResultItem[]): Promise<WriteReport> => {
      const durable: ResultItem[] = [];
      let pending: readonly ResultItem[] = batch.filter(isAlive);
      let failed: ItemFailure[] = [];
      let attempts = 0;
      while (pending.length > 0) {
        if (attempts > 0) {
          const delay = backoffDelay(attempts - 1, random(), backoff);
          await lastValueFrom(timer(delay, scheduler));
        }
        attempts += 1;
        const out = await writeItems(sinks, pending);
        durable.push(...out.durable);
        if (out.durable.length > 0) onDurable(out.durable);
        failed = out.failed;
        pending = failed.map((f) => f.item).filter(isAlive);
        if (pending.length > 0 && failingSince === undefined) {
          failingSince = scheduler.now();
          onStatus(failingSince);
        }
      }
      if (failingSince !== undefined && failed.length === 0) {
        failingSince = undefined;
        onStatus(undefined);
      }
      return { durable, failed, attempts };
    },
  );
}
