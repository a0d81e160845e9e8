/**
 * @module pipelines/runtime/pipeline-worker
 * A long-lived pipeline worker for a container: `consume()` + {@link runPipeline}, with
 * `GET /healthz` and `GET /metrics` (the consumer's prom-client registry plus pipeline
 * counters) and SIGTERM/SIGINT draining. Unlike the raw `startWorker` of `consumers/`, which
 * acks a batch when its handler resolves, here positions are acked by the pipeline's ack
 * join only — records in open windows stay unacknowledged until their results are durable.
 */
import { readFileSync } from 'node:fs';
import { Counter } from 'prom-client';
import {
  consume,
  ConsumerMetrics,
  type ConsumeOptions,
  type Consumer,
  type ConsumerEvent,
  WorkerHealth,
  startWorkerHttp,
} from '../../consumers/index.js';
import { ConfigError } from '../../core/index.js';
import { forecasterFromJson, type Forecaster } from '../../models/index.js';
import { deviceSpec, type DevicePipelineOptions } from '../devices/index.js';
import { householdSpec, type HouseholdPipelineOptions } from '../households/index.js';
import { createPipeline } from './pipeline.js';
import type { ReadingChainSpec } from './reading-chain.js';
import { runPipeline, type PipelineEvent, type RunningPipeline } from './run-pipeline.js';
import type { ResultSinks } from './write-results.js';

/** Which pipelines a worker runs. */
export type PipelineChoice = 'devices' | 'households' | 'both';

/** Options of {@link startPipelineWorker}. */
export interface PipelineWorkerOptions extends ConsumeOptions {
  readonly pipelines: PipelineChoice;
  /** The sinks, or a factory given the consumer (e.g. to name dead letters' source records). */
  readonly sinks: ResultSinks | ((consumer: Consumer) => ResultSinks);
  readonly devices?: DevicePipelineOptions;
  readonly households?: HouseholdPipelineOptions;
  /** HTTP port of /healthz and /metrics; 0 picks a free one. */
  readonly httpPort: number;
  readonly drainDeadlineMs: number;
  /** Sink batching wait; default 500 ms. */
  readonly maxWaitMs?: number;
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

/** The chain specs of a choice. */
export function specsFor(
  choice: PipelineChoice,
  devices: DevicePipelineOptions = {},
  households: HouseholdPipelineOptions = {},
): ReadingChainSpec[] {
  if (choice !== 'devices' && choice !== 'households' && choice !== 'both')
    throw new ConfigError('--pipeline', 'must be devices, households or both');
  return [
    ...(choice !== 'households' ? [deviceSpec(devices)] : []),
    ...(choice !== 'devices' ? [householdSpec(households)] : []),
  ];
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
 * @example `await startPipelineWorker({ ...consumeOptions, pipelines: 'both', sinks, httpPort: 8080, drainDeadlineMs: 30_000 })`
 */
export async function startPipelineWorker(options: PipelineWorkerOptions): Promise<PipelineWorker> {
  const {
    pipelines,
    sinks,
    devices,
    households,
    httpPort,
    drainDeadlineMs,
    maxWaitMs = 500,
    handleSignals = true,
    onPipelineEvent,
  } = options;
  const specs = specsFor(pipelines, devices, households);
  const metrics = new ConsumerMetrics();
  const items = new Counter({
    name: 'shardflow_pipeline_items_total',
    help: 'Result items written, by outcome',
    labelNames: ['outcome'],
    registers: [metrics.registry],
  });
  const health = new WorkerHealth();
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
    pipeline: (context) => createPipeline(specs, context),
    onEvent: (event) => {
      if (event.type === 'batch.written') {
        items.inc({ outcome: 'durable' }, event.report.durable.length);
        items.inc({ outcome: 'failed' }, event.report.failed.length);
      }
      onPipelineEvent?.(event);
    },
  });
  const http = await startWorkerHttp({
    consumer,
    metrics,
    health,
    port: httpPort,
    details: () => ({ claims: running.stats() }),
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
