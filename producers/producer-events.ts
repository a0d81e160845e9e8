/**
 * @module producers/producer-events
 * The producer's telemetry as a named list of events. The producer emits them to one
 * listener; metrics ({@link producerMetrics}) and progress lines subscribe to them. Nothing
 * in the producer logs ad hoc.
 */
import { Counter, Histogram, type Registry } from 'prom-client';

/** Everything the producer reports, discriminated by `type`. */
export type ProducerEvent =
  /** A put call completed (fully or partially). */
  | {
      readonly type: 'producer.call';
      readonly api: 'PutRecords' | 'PutRecord';
      readonly entries: number;
      readonly records: number;
      readonly bytes: number;
      readonly failedEntries: number;
      readonly durationMs: number;
    }
  /** A whole call failed (the SDK threw). */
  | { readonly type: 'producer.call-failed'; readonly code: string; readonly entries: number }
  /** Records were delivered; `latencyMs` is from `put()` to acknowledgement. */
  | { readonly type: 'producer.delivered'; readonly shardId: string; readonly latencyMs: number }
  /** A record will be retried after `delayMs`. */
  | {
      readonly type: 'producer.retry';
      readonly shardId: string;
      readonly code: string;
      readonly attempt: number;
      readonly delayMs: number;
    }
  /** A shard reported it was over its limit. */
  | { readonly type: 'producer.throttled'; readonly shardId: string }
  /** A record was given up on. */
  | { readonly type: 'producer.failed'; readonly reason: string; readonly code: string }
  /** A put landed on a different shard than predicted: the map will be refreshed. */
  | { readonly type: 'producer.misprediction'; readonly predicted: string; readonly actual: string }
  /**
   * User records of an aggregate sent before a resharding was noticed that lie outside the
   * range of the shard they landed on (the Java KCL drops such records; see README).
   */
  | { readonly type: 'producer.straddle'; readonly shardId: string; readonly records: number }
  /** The shard map was (re)loaded. */
  | { readonly type: 'producer.shard-map'; readonly openShards: number };

/** Receives producer events. */
export type ProducerListener = (event: ProducerEvent) => void;

/**
 * Registers the producer metrics in `registry` and returns the listener that feeds them:
 * records put/retried/failed, bytes, batch sizes, per-shard throttles, latency.
 */
export function producerMetrics(
  registry: Registry,
  prefix = 'shardflow_producer_',
): ProducerListener {
  const registers = [registry];
  const put = new Counter({
    name: `${prefix}records_put_total`,
    help: 'User records delivered',
    registers,
  });
  const retried = new Counter({
    name: `${prefix}records_retried_total`,
    help: 'User record retries, by error kind',
    labelNames: ['code'],
    registers,
  });
  const failed = new Counter({
    name: `${prefix}records_failed_total`,
    help: 'User records given up on, by reason',
    labelNames: ['reason'],
    registers,
  });
  const bytes = new Counter({
    name: `${prefix}bytes_total`,
    help: 'Bytes sent in put calls',
    registers,
  });
  const calls = new Counter({
    name: `${prefix}calls_total`,
    help: 'Put calls, by API and outcome',
    labelNames: ['api', 'outcome'],
    registers,
  });
  const batch = new Histogram({
    name: `${prefix}batch_records`,
    help: 'User records per put call',
    buckets: [1, 10, 50, 100, 250, 500, 1000, 5000, 25000],
    registers,
  });
  const throttles = new Counter({
    name: `${prefix}throttles_total`,
    help: 'Throttled entries per shard',
    labelNames: ['shard'],
    registers,
  });
  const latency = new Histogram({
    name: `${prefix}latency_seconds`,
    help: 'From put() to acknowledgement',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const straddled = new Counter({
    name: `${prefix}aggregate_straddled_records_total`,
    help: 'User records in aggregates that landed outside their shard range (resharding window)',
    registers,
  });
  return (event) => {
    switch (event.type) {
      case 'producer.call':
        bytes.inc(event.bytes);
        batch.observe(event.records);
        calls.inc({ api: event.api, outcome: event.failedEntries > 0 ? 'partial' : 'ok' });
        break;
      case 'producer.call-failed':
        calls.inc({ api: 'any', outcome: 'error' });
        break;
      case 'producer.delivered':
        put.inc();
        latency.observe(event.latencyMs / 1000);
        break;
      case 'producer.retry':
        retried.inc({ code: event.code });
        break;
      case 'producer.throttled':
        throttles.inc({ shard: event.shardId });
        break;
      case 'producer.failed':
        failed.inc({ reason: event.reason });
        break;
      case 'producer.straddle':
        straddled.inc(event.records);
        break;
      default:
        break;
    }
  };
}
