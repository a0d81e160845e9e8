/**
 * @module consumers/stall-watch
 * Stall warnings of a worker's shards: a processing shard with no successful read, or with
 * unacknowledged records and no ack (nor new record) progress, for `stallAfterMs` is
 * reported once as a `shard.stalled` event, and again only after it moved in between.
 * Pure: the time comes from the injected clock, the statuses from the caller.
 */
import type { ConsumerEvent } from './consume-types.js';
import type { ShardStatus } from './shard-consumer.js';

/** The event a {@link StallWatch} reports. */
export type ShardStalled = Extract<ConsumerEvent, { type: 'shard.stalled' }>;

/** Options of {@link StallWatch}. */
export interface StallWatchOptions {
  /** A shard is stalled after this long without reads, or without ack progress (ms). */
  readonly stallAfterMs: number;
  readonly now: () => number;
  readonly onStalled: (event: ShardStalled) => void;
}

/** Remembers which shards were reported stalled (see module doc). */
export class StallWatch {
  private readonly stalled = new Set<string>();

  constructor(private readonly options: StallWatchOptions) {}

  /** How often to {@link check}: a quarter of the stall time, within 100 ms … 5 s. */
  get periodMs(): number {
    return Math.max(100, Math.min(this.options.stallAfterMs / 4, 5_000));
  }

  /** Looks at the shards' statuses now; reports each newly stalled shard. */
  check(statuses: Iterable<ShardStatus>): void {
    const { stallAfterMs, now, onStalled } = this.options;
    const t = now();
    for (const st of statuses) {
      if (st.state !== 'processing') continue;
      const noReads = t - (st.lastReadAt ?? t) > stallAfterMs;
      const noAcks =
        st.unacked > 0 && t - Math.max(st.lastAckAt ?? 0, st.lastRecordAt ?? 0) > stallAfterMs;
      if ((noReads || noAcks) && !this.stalled.has(st.shardId)) {
        this.stalled.add(st.shardId);
        onStalled({
          type: 'shard.stalled',
          shardId: st.shardId,
          reason: noReads ? 'no-reads' : 'no-acks',
          sinceMs: stallAfterMs,
        });
      } else if (!noReads && !noAcks) this.stalled.delete(st.shardId);
    }
  }
}
