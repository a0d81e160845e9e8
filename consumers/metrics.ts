/**
 * @module consumers/metrics
 * Prometheus metrics of a consumer worker (prom-client), fed only by the named consumer
 * events and periodic status snapshots, never by ad-hoc calls from the logic. Invariant:
 * per-shard gauges describe live sessions; series of shards no longer held are removed.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { ConsumerEvent } from './consume-types.js';
import type { ShardStatus } from './shard-consumer.js';

/** The metric set of one worker, in its own registry. */
export class ConsumerMetrics {
  readonly registry = new Registry();
  private readonly leasesHeld: Gauge;
  private readonly records: Counter;
  private readonly behind: Gauge;
  private readonly lag: Gauge;
  private readonly sinceRecord: Gauge;
  private readonly sinceCheckpoint: Gauge;
  private readonly leaseEvents: Counter;
  private readonly leaseRetries: Counter;
  private readonly stalls: Counter;
  private readonly checkpoints: Counter;

  constructor() {
    const registers = [this.registry];
    this.leasesHeld = new Gauge({
      name: 'shardflow_consumer_leases_held',
      help: 'Leases held by this worker',
      registers,
    });
    this.records = new Counter({
      name: 'shardflow_consumer_records_total',
      help: 'User records delivered',
      labelNames: ['shard'],
      registers,
    });
    this.behind = new Gauge({
      name: 'shardflow_consumer_millis_behind_latest',
      help: 'MillisBehindLatest of the last read',
      labelNames: ['shard'],
      registers,
    });
    this.lag = new Gauge({
      name: 'shardflow_consumer_checkpoint_lag_records',
      help: 'Delivered records not yet covered by the acked prefix',
      labelNames: ['shard'],
      registers,
    });
    this.sinceRecord = new Gauge({
      name: 'shardflow_consumer_seconds_since_last_record',
      help: 'Seconds since the shard delivered a record',
      labelNames: ['shard'],
      registers,
    });
    this.sinceCheckpoint = new Gauge({
      name: 'shardflow_consumer_seconds_since_checkpoint',
      help: 'Seconds since the shard last checkpointed',
      labelNames: ['shard'],
      registers,
    });
    this.leaseEvents = new Counter({
      name: 'shardflow_consumer_lease_events_total',
      help: 'Lease events (taken, stolen, lost, released, hand-offs)',
      labelNames: ['event'],
      registers,
    });
    this.leaseRetries = new Counter({
      name: 'shardflow_consumer_lease_call_retries_total',
      help: 'Retried lease-table calls (throttling, 5xx, network), by operation and AWS error code',
      labelNames: ['operation', 'reason'],
      registers,
    });
    this.stalls = new Counter({
      name: 'shardflow_consumer_stalls_total',
      help: 'Stall warnings',
      labelNames: ['reason'],
      registers,
    });
    this.checkpoints = new Counter({
      name: 'shardflow_consumer_checkpoints_total',
      help: 'Checkpoints written',
      registers,
    });
  }

  /** Feeds one consumer event. */
  onEvent(event: ConsumerEvent): void {
    switch (event.type) {
      case 'shard.delivered':
        this.records.inc({ shard: event.shardId }, event.count);
        if (event.millisBehindLatest !== undefined)
          this.behind.set({ shard: event.shardId }, event.millisBehindLatest);
        break;
      case 'shard.checkpointed':
        this.checkpoints.inc();
        break;
      case 'shard.stalled':
        this.stalls.inc({ reason: event.reason });
        break;
      case 'coordinator':
        if (event.event.type === 'call.retried') {
          const { operation, reason } = event.event;
          this.leaseRetries.inc({ operation, reason });
        } else if (event.event.type !== 'cycle.failed')
          this.leaseEvents.inc({ event: event.event.type });
        break;
      default:
        break;
    }
  }

  /** Refreshes gauges from a status snapshot. */
  update(shards: readonly ShardStatus[], held: number, now: number): void {
    this.leasesHeld.set(held);
    for (const g of [this.lag, this.sinceRecord, this.sinceCheckpoint]) g.reset();
    for (const s of shards) {
      if (s.state === 'done') continue;
      this.lag.set({ shard: s.shardId }, s.unacked);
      if (s.lastRecordAt !== undefined)
        this.sinceRecord.set({ shard: s.shardId }, (now - s.lastRecordAt) / 1000);
      if (s.lastCheckpointAt !== undefined)
        this.sinceCheckpoint.set({ shard: s.shardId }, (now - s.lastCheckpointAt) / 1000);
    }
  }
}
