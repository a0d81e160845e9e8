/**
 * @module producers/shard-prediction
 * The producer's shard prediction: which open shard each record will land on (MD5 of its
 * key against the ranges of the last `ListShards`), when that map is stale and reloaded
 * (first use, `shardMapTtlMs`, a hash key without an open shard, a put that landed on an
 * unexpected shard), and the resharding repair — aggregates that landed on an unexpected
 * shard are checked against the next map and their out-of-range user records re-sent alone.
 *
 * Invariants: records are queued per predicted shard only while the map is fresh (else in
 * the unassigned queue, re-routed when it is reloaded); one `ListShards` at a time, at most
 * one a second after a failure; a fatal `ListShards` error fails what waits instead of
 * letting it expire.
 */
import { awsErrorCode, classifyAwsError } from '../adapters/index.js';
import { retry, sleepOn } from '../core/index.js';
import type { PlannedEntry } from './batcher.js';
import type { FailureReason } from './errors.js';
import type { ResolvedProducerOptions } from './producer-options.js';
import type { Pending, ProducerState } from './producer-state.js';
import { ShardMap } from './shard-map.js';

/** What {@link ShardPredictor} needs of its producer. */
export interface ShardPredictorHost {
  readonly options: ResolvedProducerOptions;
  readonly state: ProducerState;
  /** Settles a record as failed (a fatal `ListShards` error). */
  fail(p: Pending, reason: FailureReason, code: string): void;
  /** Lets the producer decide whether a call is due (after a reload, or when a wait ends). */
  pump(): void;
}

/** An aggregate that landed on an unexpected shard, checked against the next map. */
interface Suspect {
  readonly shardId: string;
  readonly items: readonly Pending[];
}

/** The shard map of one producer, its freshness, and the routing of records by it. */
export class ShardPredictor {
  private map: ShardMap | undefined;
  private mapLoadedAt = 0;
  private stale = true;
  private refreshing = false;
  private refreshNotBefore = 0;
  /** Aggregates that landed on an unexpected shard, checked against the next map. */
  private suspects: Suspect[] = [];

  constructor(private readonly host: ShardPredictorHost) {}

  /** The current shard map (undefined before the first `ListShards`). */
  get current(): ShardMap | undefined {
    return this.map;
  }

  /**
   * Queues records by predicted shard (unassigned while the map is stale or missing).
   * `front`: ahead of what is queued, as retried records go, keeping per-shard order.
   */
  route(items: readonly Pending[], front = false): void {
    const s = this.host.state;
    if (!front) {
      // appended one by one in order: no per-call grouping needed
      for (const p of items) {
        const shard = this.map && !this.stale ? this.map.shardFor(p.hash) : undefined;
        if (this.map && !this.stale && shard === undefined) this.stale = true;
        s.enqueueOne(shard, p);
      }
      return;
    }
    const byShard = new Map<string | undefined, Pending[]>();
    for (const p of items) {
      const shard = this.map && !this.stale ? this.map.shardFor(p.hash) : undefined;
      if (this.map && !this.stale && shard === undefined) this.stale = true;
      const list = byShard.get(shard) ?? [];
      list.push(p);
      byShard.set(shard, list);
    }
    for (const [shard, list] of byShard) s.enqueue(shard, list, front);
  }

  /**
   * True when the map is fresh enough to plan calls at `now`; otherwise starts a reload (or
   * schedules one when the last failed less than a second ago) and returns false.
   */
  ready(now: number): boolean {
    if (this.map && now - this.mapLoadedAt > this.host.options.shardMapTtlMs) this.stale = true;
    if (this.stale || !this.map) {
      if (!this.refreshing) {
        if (now >= this.refreshNotBefore) this.refresh();
        else this.host.state.wakeAt(this.refreshNotBefore, () => this.host.pump());
      }
      return false;
    }
    return true;
  }

  /**
   * An entry landed on `actual`, not on the shard it was predicted for: a resharding (the
   * map is stale), and an aggregate that landed there is a suspect (see `checkStraddles`).
   */
  mispredicted(e: PlannedEntry<Pending>, actual: string): void {
    this.stale = true;
    if (e.aggregated) this.suspects.push({ shardId: actual, items: e.items });
    this.host.options.onEvent({ type: 'producer.misprediction', predicted: e.shardId, actual });
  }

  /** True while aggregates that landed on an unexpected shard await their check. */
  get hasSuspects(): boolean {
    return this.suspects.length > 0;
  }

  /**
   * On close, with suspects left: settles the straddle report with the shards as they are
   * now. Returns true when records were queued again (copies, and what was queued re-routed
   * by the new map), which the caller then flushes.
   */
  async settleStraddles(): Promise<boolean> {
    const { writer, clock } = this.host.options;
    const shards = await writer.listShards().catch(() => undefined);
    if (!shards || this.checkStraddles(ShardMap.fromShards(shards)) === 0) return false;
    this.map = ShardMap.fromShards(shards);
    this.stale = false;
    this.mapLoadedAt = clock.now();
    this.route(this.host.state.takeAllQueued());
    return true;
  }

  private refresh(): void {
    this.refreshing = true;
    const { clock, writer, random, onEvent } = this.host.options;
    const s = this.host.state;
    retry(() => writer.listShards(), {
      retries: 3,
      initialDelayMs: 100,
      maxDelayMs: 1_000,
      random,
      sleep: (ms) => sleepOn(clock, ms),
      shouldRetry: (error) => classifyAwsError(error, 'retriable') !== 'fatal',
    })
      .then((shards) => {
        const map = ShardMap.fromShards(shards);
        if (map.shards.length === 0) throw new Error('the stream has no open shards');
        this.map = map;
        this.mapLoadedAt = clock.now();
        this.stale = false;
        onEvent({ type: 'producer.shard-map', openShards: map.shards.length });
        this.route(s.takeAllQueued());
        this.checkStraddles(map);
      })
      .catch((error: unknown) => {
        this.refreshNotBefore = clock.now() + 1_000;
        // A missing stream or denied access will not heal: fail what waits, do not let it expire.
        const code = awsErrorCode(error);
        if (classifyAwsError(error, 'retriable') === 'fatal') {
          for (const p of s.takeAllQueued()) this.host.fail(p, 'NON_RETRIABLE', code);
        }
      })
      .finally(() => {
        this.refreshing = false;
        this.host.pump();
      });
  }

  /**
   * Aggregates that landed on an unexpected shard (sent in the window before a resharding
   * was noticed) may hold user records whose hash key lies outside that shard: the Java KCL
   * drops those. They are reported and sent again on their own, so every reader sees each
   * record at least once (readers that do not filter see it twice: at-least-once). Checked
   * once the new map knows the shard they landed on.
   */
  private checkStraddles(map: ShardMap): number {
    const { clock, recordTtlMs, onEvent } = this.host.options;
    const known = new Set(map.shards.map((s) => s.shardId));
    const later: Suspect[] = [];
    const copies: Pending[] = [];
    for (const suspect of this.suspects) {
      if (!known.has(suspect.shardId)) {
        later.push(suspect);
        continue;
      }
      const outside = suspect.items.filter((p) => map.shardFor(p.hash) !== suspect.shardId);
      if (outside.length === 0) continue;
      onEvent({ type: 'producer.straddle', shardId: suspect.shardId, records: outside.length });
      const now = clock.now();
      for (const { batch: _batch, index: _index, ...p } of outside) {
        copies.push({
          ...p,
          id: this.host.state.admitCopy(p.record.size),
          copy: true,
          notBefore: now,
          enqueuedAt: now,
          deadline: now + recordTtlMs,
          attempts: 0,
          resolve: () => undefined,
          reject: () => undefined,
        });
      }
    }
    this.suspects = later.slice(-1_000);
    if (copies.length > 0) this.route(copies);
    return copies.length;
  }
}
