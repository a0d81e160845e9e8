/**
 * @module api/health
 * Takes one look at the stream's health from the outside, as an operator would: the lease
 * table, each worker's `/healthz` (shards held) and `/metrics`, the records-put counter when
 * the process has one, and dead letters by reason from the lake (refreshed less often: they
 * cost S3 reads). Invariant: a look never throws — a worker that does not answer is down, a
 * table or bucket that fails keeps the previous values — so the live stream never breaks.
 */
import type { Store } from './store.js';
import {
  parseMetrics,
  streamHealth,
  type LeaseLook,
  type StreamHealth,
  type WorkerLook,
} from './health-model.js';

/** Options of {@link createHealthMonitor}. */
export interface HealthMonitorOptions {
  readonly store: Pick<Store, 'leases'>;
  /** Base URLs of the workers' `/healthz` + `/metrics` servers. */
  readonly workers?: () => readonly string[];
  /** Records put so far, when this process knows (dev's producers). */
  readonly recordsIn?: () => number;
  /** Dead letters by reason (see `dead-letters.ts`). */
  readonly deadLetters?: () => Promise<Record<string, number>>;
  /** Re-count dead letters at most this often; default 10 s. */
  readonly deadLetterEveryMs?: number;
  /** Per-request timeout of a worker look; default 800 ms. */
  readonly timeoutMs?: number;
  readonly clock?: () => number;
}

/** Creates the monitor; `look()` once per refresh. */
export function createHealthMonitor(options: HealthMonitorOptions): {
  look(): Promise<StreamHealth>;
} {
  const {
    store,
    workers = () => [],
    recordsIn,
    deadLetters,
    deadLetterEveryMs = 10_000,
    timeoutMs = 800,
    clock = Date.now,
  } = options;
  let previous: StreamHealth | undefined;
  let leases: readonly LeaseLook[] = [];
  let dead: Record<string, number> = {};
  let deadAt = Number.NEGATIVE_INFINITY;
  const get = async (url: string) => {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { ok: res.ok || res.status === 503, text: await res.text() };
  };
  const worker = async (url: string): Promise<WorkerLook> => {
    try {
      const [health, metrics] = await Promise.all([get(`${url}/healthz`), get(`${url}/metrics`)]);
      const held = (JSON.parse(health.text) as { leases?: unknown }).leases;
      return {
        url,
        up: health.ok && metrics.ok,
        leases: Array.isArray(held) ? held.map(String) : [],
        samples: parseMetrics(metrics.text),
      };
    } catch {
      return { url, up: false, leases: [], samples: new Map() };
    }
  };
  return {
    async look() {
      const at = clock();
      const [looks] = await Promise.all([
        Promise.all(workers().map(worker)),
        store
          .leases()
          .then((rows) => {
            leases = rows.map((r) => ({
              shardId: String(r.leaseKey),
              owner: typeof r.leaseOwner === 'string' ? r.leaseOwner : null,
              checkpoint: typeof r.checkpoint === 'string' ? r.checkpoint : null,
            }));
          })
          .catch(() => undefined),
        deadLetters && at - deadAt >= deadLetterEveryMs
          ? deadLetters()
              .then((counts) => {
                dead = counts;
                deadAt = at;
              })
              .catch(() => undefined)
          : undefined,
      ]);
      previous = streamHealth(
        {
          at,
          leases,
          workers: looks,
          recordsIn: recordsIn ? recordsIn() : null,
          deadLetters: dead,
        },
        previous,
      );
      return previous;
    },
  };
}
