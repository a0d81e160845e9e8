/**
 * @module consumers/worker-http
 * What a worker container exposes: `GET /healthz` (200 while healthy, 503 otherwise, with a
 * JSON body) and `GET /metrics` (Prometheus text), and the health rule behind it. Shared by
 * the raw consumer worker and the pipeline worker so both report health the same way.
 * Invariant: a worker is unhealthy while stopping or after 3 consecutive consumer failures
 * (shard sync or lease-coordinator cycle) with no delivery or checkpoint in between.
 */
import { createServer } from 'node:http';
import type { Consumer, ConsumerEvent } from './consume-types.js';
import type { ConsumerMetrics } from './metrics.js';

/** Consecutive failures after which `/healthz` answers 503. */
export const UNHEALTHY_AFTER_FAILURES = 3;

/** Health of a worker, fed with its consumer's events. */
export class WorkerHealth {
  #failures = 0;
  #stopping = false;
  readonly #checks: (() => boolean)[] = [];

  /** Adds a condition the worker needs to be healthy (e.g. its sinks accept writes). */
  addCheck(check: () => boolean): void {
    this.#checks.push(check);
  }

  /** Counts failures; a delivery or a checkpoint proves progress and resets the count. */
  onEvent(event: ConsumerEvent): void {
    if (
      event.type === 'sync.failed' ||
      (event.type === 'coordinator' && event.event.type === 'cycle.failed')
    )
      this.#failures += 1;
    else if (event.type === 'shard.delivered' || event.type === 'shard.checkpointed')
      this.#failures = 0;
  }

  /** Marks the worker as stopping (it is then unhealthy, so no new traffic is routed to it). */
  stopping(): void {
    this.#stopping = true;
  }

  get isStopping(): boolean {
    return this.#stopping;
  }

  get healthy(): boolean {
    return (
      !this.#stopping &&
      this.#failures < UNHEALTHY_AFTER_FAILURES &&
      this.#checks.every((check) => check())
    );
  }
}

/** Options of {@link startWorkerHttp}. */
export interface WorkerHttpOptions {
  readonly consumer: Consumer;
  readonly metrics: ConsumerMetrics;
  readonly health: WorkerHealth;
  /** Port to listen on; 0 picks a free one. */
  readonly port: number;
  /**
   * Interface; default loopback: a health check inside the container (ECS, Docker) or a
   * scraper sharing the task's network reaches it, nothing else on the network does.
   */
  readonly host?: string;
  /** Extra fields of the `/healthz` body. */
  readonly details?: () => Readonly<Record<string, unknown>>;
}

/** Starts the `/healthz` + `/metrics` server; resolves once it listens. */
export async function startWorkerHttp(
  options: WorkerHttpOptions,
): Promise<{ readonly port: number; close(): Promise<void> }> {
  const { consumer, metrics, health, details } = options;
  const server = createServer((req, res) => {
    if (req.url === '/healthz') {
      const healthy = health.healthy;
      res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          healthy,
          stopping: health.isStopping,
          leases: consumer.heldLeases(),
          ...details?.(),
        }),
      );
    } else if (req.url === '/metrics') {
      metrics.update(consumer.shards(), consumer.heldLeases().length, Date.now());
      void metrics.registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(text);
      });
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port, options.host ?? '127.0.0.1', resolve),
  );
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    port,
    async close() {
      await new Promise((r) => server.close(r));
      server.closeAllConnections?.();
    },
  };
}
