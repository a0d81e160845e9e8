/**
 * @module api/health-model
 * The stream's health as the dashboard shows it, computed from plain observations: the
 * lease table (shard → owner, checkpoint), each worker's `/healthz` (which shards it holds)
 * and `/metrics` (Prometheus text: records read, MillisBehindLatest per shard), a count of
 * records put, and dead letters by reason. Rates are differences between two samples over
 * the time between them. Pure: the I/O lives in `health.ts`.
 */

/** Prometheus text → `name{labels}` → value. */
export type Samples = ReadonlyMap<string, number>;

/** Parses Prometheus text exposition into `name{labels}` → value (comments skipped). */
export function parseMetrics(text: string): Samples {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    const value = Number(line.slice(at + 1));
    if (at > 0 && Number.isFinite(value)) out.set(line.slice(0, at), value);
  }
  return out;
}

/** Sum of every series of a metric. */
export function total(samples: Samples, name: string): number {
  let sum = 0;
  for (const [k, v] of samples) if (k === name || k.startsWith(`${name}{`)) sum += v;
  return sum;
}

/** One worker as seen in one look. */
export interface WorkerLook {
  readonly url: string;
  readonly up: boolean;
  /** Shards the worker says it holds (`/healthz` `leases`). */
  readonly leases: readonly string[];
  readonly samples: Samples;
}

/** One lease row. */
export interface LeaseLook {
  readonly shardId: string;
  readonly owner: string | null;
  readonly checkpoint: string | null;
}

/** One shard on the dashboard. */
export interface ShardHealth {
  readonly shardId: string;
  readonly owner: string | null;
  readonly checkpoint: string | null;
  /** From the metrics of the worker holding the shard; null when no such worker answered. */
  readonly millisBehindLatest: number | null;
}

/** What the dashboard's health panel shows. */
export interface StreamHealth {
  /** ISO instant of the look. */
  readonly at: string;
  readonly recordsInPerSecond: number | null;
  readonly recordsOutPerSecond: number | null;
  readonly recordsIn: number | null;
  readonly recordsOut: number | null;
  readonly workersUp: number;
  readonly workers: number;
  readonly shards: readonly ShardHealth[];
  readonly deadLetters: readonly { readonly reason: string; readonly count: number }[];
}

/** One look at everything, before rates. */
export interface Look {
  readonly at: number;
  readonly leases: readonly LeaseLook[];
  readonly workers: readonly WorkerLook[];
  /** Records put so far, if the process knows (dev's producers); null otherwise. */
  readonly recordsIn: number | null;
  readonly deadLetters: Readonly<Record<string, number>>;
}

const rate = (now: number | null, before: number | null | undefined, seconds: number) =>
  now === null || before === null || before === undefined || seconds <= 0
    ? null
    : Math.max(0, (now - before) / seconds);

/**
 * The health of `look`, with rates against `previous` (the look before, if any). Records
 * out are the records read by the workers that answered; a worker that stops answering
 * makes the total drop, so its rate is clamped at zero rather than negative.
 */
export function streamHealth(look: Look, previous?: StreamHealth): StreamHealth {
  const up = look.workers.filter((w) => w.up);
  const recordsOut =
    look.workers.length === 0
      ? null
      : up.reduce((a, w) => a + total(w.samples, 'shardflow_consumer_records_total'), 0);
  const holder = new Map<string, WorkerLook>();
  for (const w of up) for (const shard of w.leases) holder.set(shard, w);
  const shards = [...look.leases]
    .sort((a, b) => a.shardId.localeCompare(b.shardId))
    .map((l): ShardHealth => {
      const behind = holder
        .get(l.shardId)
        ?.samples.get(`shardflow_consumer_millis_behind_latest{shard="${l.shardId}"}`);
      return { ...l, millisBehindLatest: behind ?? null };
    });
  const seconds = previous ? (look.at - Date.parse(previous.at)) / 1000 : 0;
  return {
    at: new Date(look.at).toISOString(),
    recordsIn: look.recordsIn,
    recordsOut,
    recordsInPerSecond: rate(look.recordsIn, previous?.recordsIn, seconds),
    recordsOutPerSecond: rate(recordsOut, previous?.recordsOut, seconds),
    workersUp: up.length,
    workers: look.workers.length,
    shards,
    deadLetters: Object.entries(look.deadLetters)
      .map(([reason, count]) => ({ reason, count }))
      .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
  };
}
