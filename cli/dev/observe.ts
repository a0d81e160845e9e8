/**
 * @module cli/dev/observe
 * What the live view of `shardflow dev` shows, collected once a second from the outside, as
 * an operator would: each worker's Prometheus `/metrics` (records per shard, millis behind,
 * unacked records), the lease table (owner and checkpoint per shard), the anomalies table and
 * the latest predictions of one device and one household. Invariant: a failed look (a worker
 * starting or stopping, a table busy) keeps the previous values instead of throwing; counters
 * of a worker keep their last value after it exits, so totals never go backwards.
 */
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { AwsClients } from '../../adapters/index.js';
import type { Config } from '../../core/index.js';
import { parseMetrics } from '../../api/index.js';

/** One shard as seen by the lease table and the owner's metrics. */
export interface ShardView {
  readonly shardId: string;
  readonly owner: string;
  readonly checkpoint: string;
  readonly millisBehind?: number;
  readonly unacked?: number;
}

/** One anomaly event (a row of the anomalies table: key + event start). */
export interface AnomalyView {
  readonly key: string;
  /** Start of the event (its first anomalous window). */
  readonly windowStart: string;
  /** Peak grade and the forest score at the peak. */
  readonly grade: number;
  readonly score: number;
  /** Last anomalous window, kind, still open, measures responsible (events only). */
  readonly end?: string;
  readonly kind?: string;
  readonly open?: boolean;
  readonly measures?: readonly string[];
}

/** One prediction with its actual (when already put). */
export interface ForecastView {
  readonly key: string;
  readonly target: string;
  readonly minutesAhead: number;
  readonly predicted: number;
  readonly actual?: number;
  /** The forecaster that made it (the selected one at this horizon). */
  readonly model?: string;
  /** The model's share of the mix at this horizon, 0..1 (absent on older rows). */
  readonly weight?: number;
}

/** Everything collected in one look. */
export interface Observation {
  /** User records read by all workers (per worker last value, summed). */
  readonly consumed: number;
  /** Result items written durably / not durably, all workers. */
  readonly itemsDurable: number;
  readonly itemsFailed: number;
  readonly workersUp: number;
  readonly shards: readonly ShardView[];
  readonly anomalies: readonly AnomalyView[];
  readonly anomalyCount: number;
  /** Injected anomalies (ground truth) with a found anomaly of that device within their span. */
  readonly matched: number;
  /** Found events that overlap no injected anomaly (false events). */
  readonly falseEvents?: number;
  readonly forecasts: readonly ForecastView[];
}

/** Options of {@link createObserver}. */
export interface ObserverOptions {
  readonly aws: AwsClients;
  readonly config: Config;
  readonly workers: readonly { readonly id: string; readonly port: number }[];
  /** Keys whose latest forecasts are shown (one device, one household). */
  readonly forecastKeys: () => readonly string[];
  /** Injected anomalies so far (ground truth of the simulator). */
  readonly labels?: () => readonly { deviceId: string; start: string; end: string }[];
  /** Actual value put for a key at a minute. */
  readonly actual: (key: string, iso: string) => number | undefined;
}

type Samples = ReturnType<typeof parseMetrics>;

const sum = (s: Samples, prefix: string) =>
  [...s].filter(([k]) => k.startsWith(prefix)).reduce((a, [, v]) => a + v, 0);
const byShard = (s: Samples, name: string, shard: string) => s.get(`${name}{shard="${shard}"}`);

/**
 * Whether a found anomaly event (start `windowStart`, last window `end`, default its start)
 * overlaps an injected anomaly of the same device: a window may start up to a minute before
 * the first abnormal reading, and detection may trail it by a few windows.
 */
function overlaps(
  l: { deviceId: string; start: string; end: string },
  a: { key: string; windowStart: string; end?: string },
  slackMs: number,
): boolean {
  const from = Date.parse(l.start) - 60_000;
  const to = Date.parse(l.end) + slackMs;
  const start = Date.parse(a.windowStart);
  const end = a.end ? Date.parse(a.end) : start;
  return a.key === l.deviceId && start <= to && end >= from;
}

/** How many injected anomalies were found (an event of the device overlaps their span). */
export function matchLabels(
  labels: readonly { deviceId: string; start: string; end: string }[],
  found: readonly { key: string; windowStart: string; end?: string }[],
  slackMs = 5 * 60_000,
): number {
  return labels.filter((l) => found.some((a) => overlaps(l, a, slackMs))).length;
}

/** How many found events of simulated devices overlap no injected anomaly (false events). */
export function falseEvents(
  labels: readonly { deviceId: string; start: string; end: string }[],
  found: readonly { key: string; windowStart: string; end?: string }[],
  isSimulated: (key: string) => boolean,
  slackMs = 5 * 60_000,
): number {
  return found.filter((a) => isSimulated(a.key) && !labels.some((l) => overlaps(l, a, slackMs)))
    .length;
}

/** Creates the observer; call `look()` once per refresh. */
export function createObserver(options: ObserverOptions): { look(): Promise<Observation> } {
  const { aws, config, workers, forecastKeys, actual, labels = () => [] } = options;
  const last = new Map<string, Samples>();
  let previous: Observation = {
    consumed: 0,
    itemsDurable: 0,
    itemsFailed: 0,
    workersUp: 0,
    shards: [],
    anomalies: [],
    anomalyCount: 0,
    matched: 0,
    forecasts: [],
  };
  const scrape = async (w: { id: string; port: number }) => {
    try {
      const res = await fetch(`http://127.0.0.1:${w.port}/metrics`, {
        signal: AbortSignal.timeout(800),
      });
      if (!res.ok) return false;
      last.set(w.id, parseMetrics(await res.text()));
      return true;
    } catch {
      return false;
    }
  };
  const scan = async (table: string) =>
    (await aws.documents.send(new ScanCommand({ TableName: table }))).Items ?? [];
  const forecasts = async (): Promise<ForecastView[]> => {
    const out: ForecastView[] = [];
    for (const key of forecastKeys()) {
      const rows =
        (
          await aws.documents.send(
            new QueryCommand({
              TableName: config.predictionsTableName,
              KeyConditionExpression: 'pk = :k',
              ExpressionAttributeValues: { ':k': key },
              ScanIndexForward: false,
              Limit: 60,
            }),
          )
        ).Items ?? [];
      const views = rows.map((r) => {
        const [target = '', rest = ''] = String(r.sk).split('#');
        const value = actual(key, target);
        return {
          key,
          target,
          minutesAhead: Number(rest.split('~')[1]),
          predicted: Number(r.value),
          ...(value === undefined ? {} : { actual: value }),
          ...(typeof r.model === 'string' ? { model: r.model } : {}),
          ...(typeof r.weight === 'number' ? { weight: r.weight } : {}),
        };
      });
      const known = views.find((v) => v.actual !== undefined);
      const latest = known ? views.filter((v) => v.target === known.target) : views.slice(0, 3);
      out.push(...latest.sort((a, b) => a.minutesAhead - b.minutesAhead));
    }
    return out;
  };
  return {
    async look() {
      const up = (await Promise.all(workers.map(scrape))).filter(Boolean).length;
      const all = [...last.values()];
      try {
        const leases = await scan(config.leaseTableName);
        const anomalyRows = await scan(config.anomaliesTableName);
        const shards = leases
          .map((l) => {
            const shardId = String(l.leaseKey);
            const m = last.get(String(l.leaseOwner)); // the owner's gauges, not stale ones
            const behind = m && byShard(m, 'shardflow_consumer_millis_behind_latest', shardId);
            const unacked = m && byShard(m, 'shardflow_consumer_checkpoint_lag_records', shardId);
            return {
              shardId,
              owner: String(l.leaseOwner ?? '-'),
              checkpoint: String(l.checkpoint ?? '-'),
              ...(behind === undefined ? {} : { millisBehind: behind }),
              ...(unacked === undefined ? {} : { unacked }),
            };
          })
          .sort((a, b) => a.shardId.localeCompare(b.shardId));
        const anomalies = anomalyRows
          .map((r) => ({
            key: String(r.pk),
            windowStart: String(r.sk),
            grade: Number(r.grade),
            score: Number(r.score),
            ...(r.end ? { end: String(r.end) } : {}),
            ...(r.kind ? { kind: String(r.kind) } : {}),
            ...(r.open !== undefined ? { open: r.open === true } : {}),
            ...(Array.isArray(r.measures) ? { measures: r.measures.map(String) } : {}),
          }))
          .sort((a, b) => b.windowStart.localeCompare(a.windowStart));
        previous = {
          ...previous,
          shards,
          anomalies: anomalies.slice(0, 5),
          anomalyCount: anomalies.length,
          matched: matchLabels(labels(), anomalies),
          // households replay real data with no injected faults: only device keys are judged
          falseEvents: falseEvents(labels(), anomalies, (k) => !k.startsWith('h-')),
          forecasts: await forecasts(),
        };
      } catch {
        // tables busy or not there yet: keep the previous look
      }
      previous = {
        ...previous,
        workersUp: up,
        consumed: all.reduce((a, s) => a + sum(s, 'shardflow_consumer_records_total{'), 0),
        itemsDurable: all.reduce(
          (a, s) => a + (s.get('shardflow_pipeline_items_total{outcome="durable"}') ?? 0),
          0,
        ),
        itemsFailed: all.reduce(
          (a, s) => a + (s.get('shardflow_pipeline_items_total{outcome="failed"}') ?? 0),
          0,
        ),
      };
      return previous;
    },
  };
}
