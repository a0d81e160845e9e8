/**
 * @module pipelines/runtime/run-pipeline
 * Runs a pipeline on a `consume()` consumer: one {@link ShardRunner} per shard session (its
 * own keyed state, restored from the lease's snapshot or the parents'), all runners' items
 * through the single sink stage, and commits by snapshot barriers. A session that ends with
 * `leaseLost` drops its runner's state and items; `shardEnded` and `shutdownRequested` make
 * what is in flight durable, write a snapshot and commit before the lease is finished or
 * released. `stop()` is the graceful shutdown: the consumer stops reading and every session
 * ends with `shutdownRequested`, within the deadline.
 */
import { asyncScheduler, Subject, type SchedulerLike, type Subscription } from 'rxjs';
import type { Consumer } from '../../consumers/index.js';
import type { BackoffOptions } from '../../core/index.js';
import type { SnapshotStore } from '../state/index.js';
import type { ShardPipeline } from './pipeline.js';
import type { ChainContext } from './reading-chain.js';
import type { ResultItem } from './result-item.js';
import { ShardRunner, type RunnerEvent, type ShardRunnerOptions } from './shard-runner.js';
import { writeResults, type ResultSinks, type WriteReport } from './write-results.js';

/** Named events of a running pipeline. */
export type PipelineEvent =
  | RunnerEvent
  | { readonly type: 'batch.written'; readonly report: WriteReport }
  | { readonly type: 'sink.status'; readonly failingSince: number | undefined }
  | { readonly type: 'pipeline.error'; readonly error: unknown };

/** Options of {@link runPipeline}. */
export interface RunPipelineOptions {
  readonly consumer: Pick<Consumer, 'sessions' | 'shutdown'>;
  /** Builds the chain of one shard session on its (restored) keyed state. */
  readonly pipeline: (context: ChainContext) => ShardPipeline;
  readonly sinks: ResultSinks;
  /** Where shard snapshots are written (S3 in a worker). */
  readonly store: SnapshotStore;
  /** Items per sink batch; default 500. */
  readonly maxItems?: number;
  /** Longest an item waits for its sink batch; default 500 ms. */
  readonly maxWaitMs?: number;
  /** Snapshot barrier period per shard (the checkpoint lag); default 5,000 ms. */
  readonly snapshotIntervalMs?: number;
  /** Back-off of failing sink writes (retried while the lease is held). */
  readonly sinkBackoff?: BackoffOptions;
  /** A snapshot this version cannot read: start empty (default) or fail the shard. */
  readonly onUnreadableSnapshot?: 'start-empty' | 'fail';
  /** Incremental snapshots (deltas, compaction, idle-key TTL); see `ShardRunnerOptions`. */
  readonly snapshots?: ShardRunnerOptions['snapshots'];
  /** Scheduler of windows' idle timeouts and sink batching; default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
  readonly onEvent?: (event: PipelineEvent) => void;
}

/** Counts of a running pipeline, for `/healthz`. */
export interface PipelineStats {
  /** Shard sessions running. */
  readonly sessions: number;
  /** Items emitted and not yet durable. */
  readonly pendingItems: number;
  /** Since when (scheduler time) sink writes keep failing; undefined while they succeed. */
  readonly sinkFailingSince?: number;
}

/** A running pipeline. */
export interface RunningPipeline {
  /** Graceful stop: drain within `deadlineMs`, snapshot, checkpoint, release leases. */
  stop(deadlineMs?: number): Promise<void>;
  /** Resolves when the pipeline has stopped (after `stop`, or when the consumer ends). */
  readonly done: Promise<void>;
  stats(): PipelineStats;
}

/**
 * Subscribes to the consumer's sessions and runs the pipeline until {@link RunningPipeline.stop}.
 *
 * @example
 * ```ts
 * const consumer = consume({ kinesis, dynamodb, streamName, leaseTableName, workerId });
 * const running = runPipeline({ consumer, sinks: createResultSinks({ aws, config }),
 *   store: createS3SnapshotStore({ s3: aws.s3, bucket: config.bucketName }),
 *   pipeline: (ctx) => createDevicePipeline({}, ctx) });
 * process.once('SIGTERM', () => void running.stop(30_000));
 * ```
 */
export function runPipeline(options: RunPipelineOptions): RunningPipeline {
  const {
    consumer,
    pipeline,
    sinks,
    store,
    maxItems = 500,
    maxWaitMs = 500,
    snapshotIntervalMs = 5_000,
    sinkBackoff,
    onUnreadableSnapshot,
    snapshots,
    scheduler = asyncScheduler,
    onEvent = () => {},
  } = options;
  const runners = new Set<ShardRunner>();
  const owner = new Map<ResultItem, ShardRunner>();
  const items = new Subject<ResultItem>();
  let sinkFailingSince: number | undefined;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((r) => (resolveDone = r));
  const writer: Subscription = items
    .pipe(
      writeResults({
        sinks,
        maxItems,
        maxWaitMs,
        scheduler,
        ...(sinkBackoff ? { backoff: sinkBackoff } : {}),
        isAlive: (item) => owner.get(item)?.isAlive ?? false,
        onDurable: (durable) => {
          for (const item of durable) {
            owner.get(item)?.durable(item);
            owner.delete(item);
          }
        },
        onStatus: (since) => {
          sinkFailingSince = since;
          onEvent({ type: 'sink.status', failingSince: since });
        },
      }),
    )
    .subscribe({
      next: (report) => {
        for (const f of report.failed) owner.delete(f.item);
        onEvent({ type: 'batch.written', report });
      },
      error: (error: unknown) => {
        onEvent({ type: 'pipeline.error', error });
        resolveDone();
      },
      complete: () => resolveDone(),
    });
  const reader: Subscription = consumer.sessions.subscribe({
    next: (session) => {
      const runner = new ShardRunner({
        session,
        pipeline,
        store,
        scheduler,
        snapshotIntervalMs,
        ...(onUnreadableSnapshot ? { onUnreadableSnapshot } : {}),
        ...(snapshots ? { snapshots } : {}),
        onEvent,
        emit: (item, from) => {
          owner.set(item, from);
          items.next(item);
        },
      });
      runners.add(runner);
      void runner.done.then(() => runners.delete(runner));
    },
    error: (error: unknown) => {
      onEvent({ type: 'pipeline.error', error });
      items.complete();
    },
    complete: () => items.complete(),
  });
  let stopping: Promise<void> | undefined;
  return {
    stop(deadlineMs = 30_000) {
      stopping ??= (async () => {
        await consumer.shutdown(deadlineMs);
        for (const runner of runners) runner.kill();
        reader.unsubscribe();
        items.complete();
        await done;
        writer.unsubscribe();
      })();
      return stopping;
    },
    done,
    stats: () => ({
      sessions: runners.size,
      pendingItems: [...runners].reduce((n, r) => n + r.pendingItems, 0),
      ...(sinkFailingSince !== undefined ? { sinkFailingSince } : {}),
    }),
  };
}
