/**
 * @module pipelines/runtime/run-pipeline
 * Runs a pipeline on a `consume()` consumer: batches → per-shard chains → the single sink
 * stage → acks through the {@link AckLedger}. Chains of shards whose lease this worker no
 * longer holds are abandoned (their open windows belong to the new owner, who replays them
 * from the checkpoint). `stop()` is the graceful shutdown: the consumer stops reading and
 * waits (until the deadline) for acks while the sink stage flushes what is already computed;
 * open windows are not flushed, so no partial window is ever written and acknowledged.
 */
import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import type { Consumer } from '../../consumers/index.js';
import { AckLedger, type LedgerStats } from './ack-ledger.js';
import type { ShardPipeline } from './pipeline.js';
import type { ChainContext } from './reading-chain.js';
import { ShardChains, type ShardChainEvent } from './shard-chains.js';
import { writeResults, type ResultSinks, type WriteReport } from './write-results.js';

/** Named events of a running pipeline. */
export type PipelineEvent =
  | ShardChainEvent
  | { readonly type: 'batch.written'; readonly report: WriteReport }
  | { readonly type: 'pipeline.error'; readonly error: unknown };

/** Options of {@link runPipeline}. */
export interface RunPipelineOptions {
  readonly consumer: Pick<Consumer, 'batches' | 'ack' | 'shutdown' | 'heldLeases'>;
  /** Builds the chain of one shard session (called again after a replay). */
  readonly pipeline: (context: ChainContext) => ShardPipeline;
  readonly sinks: ResultSinks;
  /** Items per sink batch; default 500. */
  readonly maxItems?: number;
  /** Longest an item waits for its sink batch; default 500 ms. */
  readonly maxWaitMs?: number;
  /** How often held leases are compared with running chains; default 1,000 ms. */
  readonly leaseCheckMs?: number;
  /**
   * How long `stop()` lets the consumer wait for acks (capped by the deadline). Records of open
   * windows are never acked, so waiting longer than the last sink batch takes gains nothing;
   * default `maxWaitMs` + 5,000 ms.
   */
  readonly drainMs?: number;
  /** Scheduler of windows' idle timeouts and sink batching; default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  readonly onEvent?: (event: PipelineEvent) => void;
}

/** A running pipeline. */
export interface RunningPipeline {
  /** Graceful stop: drain within `deadlineMs`, checkpoint, release leases. */
  stop(deadlineMs?: number): Promise<void>;
  /** Resolves when the pipeline has stopped (after `stop`, or when the consumer ends). */
  readonly done: Promise<void>;
  /** Claims open and acknowledged. */
  stats(): LedgerStats;
}

/**
 * Subscribes to the consumer and runs the pipeline until {@link RunningPipeline.stop}.
 *
 * @example
 * ```ts
 * const consumer = consume({ kinesis, dynamodb, streamName, leaseTableName, workerId });
 * const running = runPipeline({ consumer, sinks: createResultSinks({ aws, config }),
 *   pipeline: (ctx) => createDevicePipeline({}, ctx) });
 * process.once('SIGTERM', () => void running.stop(30_000));
 * ```
 */
export function runPipeline(options: RunPipelineOptions): RunningPipeline {
  const {
    consumer,
    pipeline,
    sinks,
    maxItems = 500,
    maxWaitMs = 500,
    leaseCheckMs = 1_000,
    drainMs = maxWaitMs + 5_000,
    scheduler = asyncScheduler,
    onEvent = () => {},
  } = options;
  const ledger = new AckLedger((positions) => consumer.ack(positions));
  const chains = new ShardChains({
    pipeline: () => pipeline({ ledger, scheduler }),
    ledger,
    onEvent,
  });
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((r) => (resolveDone = r));
  const writer: Subscription = chains.items
    .pipe(writeResults({ sinks, ledger, maxItems, maxWaitMs, scheduler }))
    .subscribe({
      next: (report) => onEvent({ type: 'batch.written', report }),
      error: (error: unknown) => {
        onEvent({ type: 'pipeline.error', error });
        resolveDone();
      },
      complete: () => resolveDone(),
    });
  const leaseCheck = setInterval(() => {
    const held = new Set(consumer.heldLeases());
    for (const shardId of chains.shards())
      if (!held.has(shardId)) chains.abandon(shardId, 'lease lost');
  }, leaseCheckMs);
  leaseCheck.unref();
  const reader: Subscription = consumer.batches.subscribe({
    next: (batch) => chains.push(batch),
    error: (error: unknown) => {
      onEvent({ type: 'pipeline.error', error });
      chains.close(false);
    },
    complete: () => chains.close(false),
  });
  void done.then(() => clearInterval(leaseCheck));
  let stopping: Promise<void> | undefined;
  return {
    stop(deadlineMs = 30_000) {
      stopping ??= (async () => {
        clearInterval(leaseCheck);
        await consumer.shutdown(Math.min(deadlineMs, drainMs));
        reader.unsubscribe();
        chains.close(false);
        await done;
        writer.unsubscribe();
      })();
      return stopping;
    },
    done,
    stats: () => ledger.stats(),
  };
}
