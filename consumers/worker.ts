/**
 * @module consumers/worker
 * A long-lived consumer worker for a container: runs {@link consume}, hands each batch to
 * a handler and acks it once the handler's promise resolves, serves `GET /healthz` (200
 * while healthy, 503 otherwise) and `GET /metrics` (Prometheus text) on a port, and on
 * SIGTERM/SIGINT stops taking leases, drains, checkpoints and releases within the drain
 * deadline. Invariant: a batch is acked only after its handler resolved.
 */
import { mergeMap, type Subscription } from 'rxjs';
import type { ConsumeOptions, Consumer, ConsumerEvent } from './consume-types.js';
import { consume } from './consume.js';
import { ConsumerMetrics } from './metrics.js';
import type { ShardBatch } from './shard-consumer.js';
import { WorkerHealth, startWorkerHttp } from './worker-http.js';

/** Options of {@link startWorker}. */
export interface WorkerOptions extends ConsumeOptions {
  /** Processes a batch; the batch is acked when the promise resolves. */
  readonly handler: (batch: ShardBatch) => Promise<void>;
  /** HTTP port of /healthz and /metrics; 0 picks a free one. */
  readonly httpPort: number;
  /** SIGTERM → exit within this long. */
  readonly drainDeadlineMs: number;
  /** Batches processed concurrently (across shards; one shard's batches stay ordered only at 1). */
  readonly concurrency?: number;
  /** Install SIGTERM/SIGINT handlers; default true. */
  readonly handleSignals?: boolean;
}

/** A started worker. */
export interface Worker {
  readonly consumer: Consumer;
  readonly metrics: ConsumerMetrics;
  /** The port the HTTP server listens on. */
  readonly port: number;
  /** Graceful stop (what SIGTERM does); resolves when leases are released. */
  stop(): Promise<void>;
  /** Resolves when the worker has stopped. */
  readonly stopped: Promise<void>;
}

/** Starts a worker. */
export async function startWorker(options: WorkerOptions): Promise<Worker> {
  const { handler, httpPort, drainDeadlineMs, concurrency = 1, handleSignals = true } = options;
  const metrics = new ConsumerMetrics();
  const health = new WorkerHealth();
  const onEvent = (event: ConsumerEvent) => {
    metrics.onEvent(event);
    health.onEvent(event);
    options.onEvent?.(event);
  };
  const consumer = consume({ ...options, onEvent });
  const http = await startWorkerHttp({
    consumer,
    metrics,
    health,
    port: httpPort,
    details: () => ({ shards: consumer.shards() }),
  });

  let resolveStopped: () => void = () => {};
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  const subscription: Subscription = consumer.batches
    .pipe(mergeMap(async (batch) => (await handler(batch), batch), concurrency))
    .subscribe({ next: (batch) => consumer.ack(batch.positions), error: () => void stop() });

  let stopping$: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping$ ??= (async () => {
      health.stopping();
      await consumer.shutdown(drainDeadlineMs);
      subscription.unsubscribe();
      await http.close();
      resolveStopped();
    })();
    return stopping$;
  };
  if (handleSignals) {
    const onSignal = () => void stop();
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  }
  return { consumer, metrics, port: http.port, stop, stopped };
}
