/**
 * @module pipelines/runtime/pipeline-worker
 * A long-lived pipeline worker for a container: `consume()` + {@link runPipeline}, with
 * `GET /healthz` and `GET /metrics` (the consumer's prom-client registry plus pipeline
 * counters) and SIGTERM/SIGINT draining. Unlike the raw `startWorker` of `consumers/`, which
 * acks a batch when its handler resolves, here shards are committed by snapshot barriers:
 * a checkpoint passes a record only once its results are durable and the keyed state that
 * goes with it is in the snapshot store. The worker is unhealthy while sink writes have kept
 * failing for `sinkUnhealthyAfterMs`, and healthy again when they succeed.
 */
import { readFileSync } from 'node:fs';
import { Counter, Gauge } from 'prom-client';
import {
  consume,
  ConsumerMetrics,
  type ConsumeOptions,
  type Consumer,
  type ConsumerEvent,
  WorkerHealth,
  startWorkerHttp,
} from '../../consumers/index.js';
import { forecasterFromJson, type Forecaster } from '../../models/index.js';
import type { SnapshotStore } from '../state/index.js';
import { createPipeline, type DocumentSpec } from './pipeline.js';
import type { ReadingChainSpec } from './reading-chain.js';
import { runPipeline, type PipelineEvent, type RunningPipeline } from './run-pipeline.js';
import type { ResultSinks } from './write-results.js';

/** Options of {@link startPipelineWorker}. */
export interface PipelineWorkerOptions extends ConsumeOptions {
  /**
   * The reading chains to run, one per reading kind (e.g. `[deviceSpec()]`, or
   * `shippedCatalog().specsFor('both').readings` — the catalog names pipelines; the runtime
   * knows none).
   */
  readonly readings: readonly ReadingChainSpec[];
  /** The sinks, or a factory given the consumer (e.g. to name dead letters' source records). */
  readonly sinks: ResultSinks | ((consumer: Consumer) => ResultSinks);
  /** Pipelines of other document shapes (e.g. `machineDocumentSpec` for MTConnect); default none. */
  readonly documents?: readonly DocumentSpec[];
  /** HTTP port of /healthz and /metrics; 0 picks a free one. */
  readonly httpPort: number;
  readonly drainDeadlineMs: number;
  /** Sink batching wait; default 500 ms. */
  readonly maxWaitMs?: number;
  /** Where shard snapshots go (`createS3SnapshotStore` in a worker). */
  readonly store: SnapshotStore;
  /** Snapshot barrier (commit) period per shard; default 5,000 ms. */
  readonly snapshotIntervalMs?: number;
  /** Unhealthy on `/healthz` after sink writes kept failing this long; default 60,000 ms. */
  readonly sinkUnhealthyAfterMs?: number;
  /** Install SIGTERM/SIGINT handlers; default true. */
  readonly handleSignals?: boolean;
  readonly onPipelineEvent?: (event: PipelineEvent) => void;
}

/** A started pipeline worker. */
export interface PipelineWorker {
  readonly port: number;
  readonly running: RunningPipeline;
  stop(): Promise<void>;
  readonly stopped: Promise<void>;
}

/**
 * Loads a shipped forecaster artefact (`model-server/models/<name>/model.json`), or `undefined`
 * when the file is absent (the pipeline then uses its baseline).
 */
export function loadForecaster(path: string): Forecaster | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  return forecasterFromJson(JSON.parse(text));
}

/**
 * Starts a pipeline worker.
 * @example `await startPipelineWorker({ ...consumeOptions, readings: [deviceSpec()], sinks, httpPort: 8080, drainDeadlineMs: 30_000 })`
 */
export async function startPipelineWorker(options: PipelineWorkerOptions): Promise<PipelineWorker> {
  const {
    readings,
    sinks,
    httpPort,
    drainDeadlineMs,
    maxWaitMs = 500,
    store,
    snapshotIntervalMs,
    sinkUnhealthyAfterMs = 60_000,
    handleSignals = true,
    onPipelineEvent,
  } = options;
  const metrics = new ConsumerMetrics();
  const items = new Counter({
    name: 'shardflow_pipeline_items_total',
    help: 'Result items written, by outcome',
    labelNames: ['outcome'],
    registers: [metrics.registry],
  });
  const snapshots = new Counter({
    name: 'shardflow_pipeline_snapshots_total',
    help: 'Shard state snapshots committed with a checkpoint',
    labelNames: ['final'],
    registers: [metrics.registry],
  });
  const snapshotBytes = new Gauge({
    name: 'shardflow_pipeline_snapshot_bytes',
    help: 'Size of the last committed state snapshot, by shard',
    labelNames: ['shard'],
    registers: [metrics.registry],
  });
  let sinkFailingSince: number | undefined;
  new Gauge({
    name: 'shardflow_pipeline_sink_failing_seconds',
    help: 'How long sink writes have kept failing (0 while they succeed)',
    registers: [metrics.registry],
    collect() {
      this.set(sinkFailingSince === undefined ? 0 : (Date.now() - sinkFailingSince) / 1000);
    },
  });
  const health = new WorkerHealth();
  health.addCheck(
    () => sinkFailingSince === undefined || Date.now() - sinkFailingSince < sinkUnhealthyAfterMs,
  );
  const onEvent = (event: ConsumerEvent) => {
    metrics.onEvent(event);
    health.onEvent(event);
    options.onEvent?.(event);
  };
  const consumer = consume({ ...options, onEvent });
  const running = runPipeline({
    consumer,
    sinks: typeof sinks === 'function' ? sinks(consumer) : sinks,
    maxWaitMs,
    store,
    ...(snapshotIntervalMs !== undefined ? { snapshotIntervalMs } : {}),
    pipeline: (context) => createPipeline(readings, context, options.documents),
    onEvent: (event) => {
      if (event.type === 'batch.written') {
        items.inc({ outcome: 'durable' }, event.report.durable.length);
        items.inc({ outcome: 'failed' }, event.report.failed.length);
      } else if (event.type === 'sink.status') {
        // scheduler time is wall-clock time here (asyncScheduler)
        sinkFailingSince = event.failingSince;
      } else if (event.type === 'snapshot.committed') {
        snapshots.inc({ final: String(event.final) });
        snapshotBytes.set({ shard: event.shardId }, event.bytes);
      }
      onPipelineEvent?.(event);
    },
  });
  const http = await startWorkerHttp({
    consumer,
    metrics,
    health,
    port: httpPort,
    details: () => ({ pipeline: running.stats() }),
  });
  let stopping$: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping$ ??= (async () => {
      health.stopping();
      await running.stop(drainDeadlineMs);
      await http.close();
    })();
    return stopping$;
  };
  if (handleSignals) {
    process.once('SIGTERM', () => void stop());
    process.once('SIGINT', () => void stop());
  }
  const stopped = running.done.then(() => stop());
  return { port: http.port, running, stop, stopped };
}
