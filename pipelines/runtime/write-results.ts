/**
 * @module pipelines/runtime/write-results
 * The single sink stage of a pipeline: micro-batches {@link ResultItem}s, writes every
 * output of a batch to its sink (score lines → results Firehose, anomaly rows and prediction
 * rows → DynamoDB, dead letters → dead-letter Firehose) concurrently, and decides per ITEM
 * whether it is durable: only if none of its outputs failed in any sink. Durable items release
 * their claims in the {@link AckLedger}; items with retriable failures are written again (all
 * their outputs — keys are deterministic, so rows overwrite and lake lines are at-least-once);
 * items still failing keep their claims, so their positions are never acknowledged and the
 * consumer replays them after a restart or failover.
 */
import {
  bufferTime,
  concatMap,
  filter,
  asyncScheduler,
  type OperatorFunction,
  type SchedulerLike,
} from 'rxjs';
import { ConfigError } from '../../core/index.js';
import { PositionSet, traced, type DeadLetter, type Traced } from '../../core/index.js';
import type { Sink, SinkFailure, SinkResult } from '../../sinks/index.js';
import type { AckLedger } from './ack-ledger.js';
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
  /** Items durable in every sink (their claims were released). */
  readonly durable: readonly ResultItem[];
  /** Items that are not durable after every attempt (their claims stay held). */
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
    run('scores', scores, () => sinks.scores.write(scores)),
    run('anomalies', anomalies, () => sinks.anomalies.write(anomalies)),
    run('predictions', predictions, () => sinks.predictions.write(predictions)),
    run('readings', readings, () => sinks.readings.write(readings)),
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

/** Options of {@link writeResults}. */
export interface WriteResultsOptions {
  readonly sinks: ResultSinks;
  readonly ledger: AckLedger;
  /** Items per batch; default 500. */
  readonly maxItems?: number;
  /** Longest an item waits for its batch (scheduler time); default 1,000 ms. */
  readonly maxWaitMs?: number;
  /** Attempts per batch for items with only retriable failures; default 3. */
  readonly maxAttempts?: number;
  readonly scheduler?: SchedulerLike;
}

/**
 * The sink stage as an RxJS operator: batches items by count or time, writes one batch at a
 * time in order, releases the claims of durable items in the ledger (which acks positions
 * whose claims are closed and fully released), and emits a {@link WriteReport} per batch.
 *
 * @example
 * ```ts
 * items$.pipe(writeResults({ sinks, ledger, maxWaitMs: 500 })).subscribe(report);
 * ```
 */
export function writeResults(
  options: WriteResultsOptions,
): OperatorFunction<ResultItem, WriteReport> {
  const {
    sinks,
    ledger,
    maxItems = 500,
    maxWaitMs = 1_000,
    maxAttempts = 3,
    scheduler = asyncScheduler,
  } = options;
  if (!(maxItems >= 1) || !(maxWaitMs > 0) || !(maxAttempts >= 1)) {
    throw new ConfigError('writeResults', 'maxItems, maxWaitMs and maxAttempts must be positive');
  }
  return (source) =>
    source.pipe(
      bufferTime(maxWaitMs, null, maxItems, scheduler),
      filter((batch) => batch.length > 0),
      concatMap(async (batch): Promise<WriteReport> => {
        const durable: ResultItem[] = [];
        let pending: readonly ResultItem[] = batch;
        let failed: ItemFailure[] = [];
        let attempts = 0;
        while (pending.length > 0 && attempts < maxAttempts) {
          attempts += 1;
          const out = await writeItems(sinks, pending);
          for (const item of out.durable) {
            durable.push(item);
            ledger.release(item.holds);
          }
          failed = out.failed;
          pending = out.failed
            .filter((f) => f.failures.every((x) => x.retriable))
            .map((f) => f.item);
        }
        return { durable, failed, attempts };
      }),
    );
}
