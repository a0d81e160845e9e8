/**
 * @module producers/producer
 * The KPL-grade producer: accepts user records, predicts their shard, collects them into
 * `PutRecords` calls (optionally KPL-aggregated), paces each shard to its write limits,
 * retries only the failed entries with jittered back-off, and settles every record exactly
 * once — delivered (shard id and sequence number) or failed (with the reason).
 *
 * Invariants: a record is held in exactly one place (waiting for room, a shard queue, or
 * one in-flight call) until it settles; nothing accepted is dropped by `close()`; the
 * buffer never holds more than `maxBufferedRecords` records or `maxBufferedBytes` bytes.
 */
import { awsErrorCode, classifyAwsError, classifyAwsErrorCode } from '../adapters/index.js';
import { backoffDelay, retry, sleepOn } from '../core/index.js';
import { planCall, type PlannedEntry } from './batcher.js';
import { RecordFailedError, RecordRejectedError, type FailureReason } from './errors.js';
import {
  MAX_CALL_BYTES,
  MAX_CALL_RECORDS,
  checkRecord,
  type CheckedRecord,
  type UserRecord,
} from './limits.js';
import type { ProducerListener } from './producer-events.js';
import {
  resolveProducerOptions,
  type KinesisProducerOptions,
  type ProducerStats,
  type PutResult,
  type ResolvedProducerOptions,
} from './producer-options.js';
import { ProducerState, type Pending } from './producer-state.js';
import { PutBatch, type PutManyResult } from './put-batch.js';
import { ShardMap, hashKeyOf } from './shard-map.js';

const ignore = (): void => undefined;

/** Queued records that trigger a call at once when aggregating (500 aggregates of ~100). */
const FULL_AGGREGATED_RECORDS = 50_000;

/**
 * A KPL-style producer for one stream.
 *
 * @example
 * const producer = new KinesisProducer({ writer: sdkWriter(aws.kinesis, config.streamName) });
 * const { shardId, sequenceNumber } = await producer.put({ partitionKey: 'dev-1', data: json });
 * await producer.close(); // delivers everything still buffered
 */
export class KinesisProducer {
  private readonly o: ResolvedProducerOptions;
  private readonly emit: ProducerListener;
  private readonly s: ProducerState;
  private map: ShardMap | undefined;
  private mapLoadedAt = 0;
  private stale = true;
  private refreshing = false;
  private refreshNotBefore = 0;
  private closed = false;
  private rr = 0;
  private readonly lastSequence = new Map<string, string>();
  /** Aggregates that landed on an unexpected shard, checked against the next map. */
  private suspects: { shardId: string; items: readonly Pending[] }[] = [];

  constructor(options: KinesisProducerOptions) {
    this.o = resolveProducerOptions(options);
    const {
      clock,
      recordsPerSecondPerShard,
      bytesPerSecondPerShard,
      maxBufferedRecords,
      maxBufferedBytes,
      onEvent,
    } = this.o;
    this.emit = onEvent;
    this.s = new ProducerState({
      clock,
      recordsPerSecond: recordsPerSecondPerShard,
      bytesPerSecond: bytesPerSecondPerShard,
      maxBufferedRecords,
      maxBufferedBytes,
    });
  }

  /**
   * Accepts a record and resolves when Kinesis has it (shard id, sequence number). Rejects
   * at once with {@link RecordRejectedError} if it can never be sent, or later with
   * {@link RecordFailedError}. Waits for room when the buffer is full (back-pressure).
   */
  put(record: UserRecord): Promise<PutResult> {
    // not `async`: one promise per record (the caller's), not two
    let checked: CheckedRecord;
    try {
      if (this.closed) throw new RecordRejectedError('PRODUCER_CLOSED', 'the producer is closed');
      checked = checkRecord(record);
    } catch (error) {
      return Promise.reject(error as Error);
    }
    const id = this.s.admit();
    if (this.s.hasRoom(checked.size)) return this.accept(id, checked);
    return this.s.waitForRoom(checked.size).then(() => this.accept(id, checked));
  }

  /** Queues an admitted record that has room; resolves when it is delivered. */
  private accept(id: number, checked: CheckedRecord): Promise<PutResult> {
    const now = this.o.clock.now();
    return new Promise<PutResult>((resolve, reject) => {
      this.submit([this.fresh(id, checked, now, resolve, reject)]);
    });
  }

  /** A newly accepted record, due now; settled through `resolve`/`reject` or its `batch`. */
  private fresh(
    id: number,
    record: CheckedRecord,
    now: number,
    resolve: Pending['resolve'],
    reject: Pending['reject'],
    batch?: PutBatch,
    index?: number,
  ): Pending {
    return {
      id,
      record,
      hash: hashKeyOf(record),
      notBefore: now,
      enqueuedAt: now,
      deadline: now + this.o.recordTtlMs,
      attempts: 0,
      lastCode: 'none',
      resolve,
      reject,
      batch,
      index,
    };
  }

  /**
   * Accepts many records and resolves once every one has settled, with the number delivered
   * and each record that was not (by index: rejected at once by the limits, or failed later) —
   * one promise per call instead of one per record, and one routing and pump per call.
   * Waits for room when the buffer is full (back-pressure), as {@link put} does; rejects only
   * when the producer is closed. Per-record shard ids and sequence numbers come from `put`.
   *
   * @example
   * const { delivered, failed } = await producer.putMany(readings.map(toRecord));
   */
  async putMany(records: readonly UserRecord[]): Promise<PutManyResult> {
    if (this.closed) throw new RecordRejectedError('PRODUCER_CLOSED', 'the producer is closed');
    const batch = new PutBatch(records.length);
    let ready: Pending[] = [];
    let now = this.o.clock.now();
    for (let index = 0; index < records.length; index += 1) {
      let checked: CheckedRecord;
      try {
        checked = checkRecord(records[index]!);
      } catch (error) {
        batch.fail(index, error as Error);
        continue;
      }
      const id = this.s.admit();
      if (!this.s.hasRoom(checked.size)) {
        this.submit(ready); // what fits goes first: the wait ends as earlier records settle
        ready = [];
        await this.s.waitForRoom(checked.size);
        now = this.o.clock.now();
      }
      ready.push(this.fresh(id, checked, now, ignore, ignore, batch, index));
    }
    this.submit(ready);
    return batch.done;
  }

  /** Resolves when there is room for at least one more record (for pipelined callers). */
  writable(): Promise<void> {
    return this.s.hasRoom(0) ? Promise.resolve() : this.s.waitForRoom(0);
  }

  /** Sends everything accepted so far at once and resolves when all of it has settled. */
  flush(): Promise<void> {
    const done = this.s.flushBarrier();
    this.pump();
    return done;
  }

  /** Stops accepting records, delivers everything buffered, and releases timers. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
    if (this.suspects.length > 0) {
      // Settle the straddle report with the shards as they are now.
      const shards = await this.o.writer.listShards().catch(() => undefined);
      if (shards && this.checkStraddles(ShardMap.fromShards(shards)) > 0) {
        this.map = ShardMap.fromShards(shards);
        this.stale = false;
        this.mapLoadedAt = this.o.clock.now();
        this.route(this.s.takeAllQueued());
        await this.flush();
      }
    }
    this.s.cancelTimer();
  }

  /** Counters for progress lines and tests. */
  stats(): ProducerStats {
    return { ...this.s.counters, buffered: this.s.buffered, inFlightCalls: this.s.inFlight };
  }

  /** The current shard map (undefined before the first `ListShards`). */
  shardMap(): ShardMap | undefined {
    return this.map;
  }

  /** Routes accepted records and lets the pump decide whether a call is due. */
  private submit(items: readonly Pending[]): void {
    if (items.length === 0) return;
    this.route(items);
    this.pump();
  }

  private route(items: readonly Pending[], front = false): void {
    if (!front) {
      // appended one by one in order: no per-call grouping needed
      for (const p of items) {
        const shard = this.map && !this.stale ? this.map.shardFor(p.hash) : undefined;
        if (this.map && !this.stale && shard === undefined) this.stale = true;
        this.s.enqueueOne(shard, p);
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
    for (const [shard, list] of byShard) this.s.enqueue(shard, list, front);
  }

  private pump(): void {
    const now = this.o.clock.now();
    this.s.sweepExpired(now, (p) => this.fail(p, 'TTL_EXPIRED', p.lastCode));
    if (this.s.queued === 0) return; // nothing to send: no calls, no refresh, no timers
    if (this.map && now - this.mapLoadedAt > this.o.shardMapTtlMs) this.stale = true;
    if (this.stale || !this.map) {
      if (!this.refreshing) {
        if (now >= this.refreshNotBefore) this.refresh();
        else this.s.wakeAt(this.refreshNotBefore, () => this.pump());
      }
      return;
    }
    while (this.s.inFlight < this.o.maxInFlightCalls && this.s.queued > 0) {
      // A full call is ready: 500 records, or (aggregating) 5 MiB, which packs many more.
      const full = this.o.aggregate
        ? this.s.queuedBytes >= MAX_CALL_BYTES || this.s.queued >= FULL_AGGREGATED_RECORDS
        : this.s.queued >= MAX_CALL_RECORDS;
      const forced = this.closed || this.s.flushing || full;
      const oldest = this.s.oldestEnqueuedAt();
      if (!forced && oldest + this.o.lingerMs > now) {
        this.s.wakeAt(oldest + this.o.lingerMs, () => this.pump());
        return;
      }
      const order = this.s.shardOrder(this.rr++);
      const ordered = this.o.ordering === 'perPartitionKey';
      const planned = planCall(this.s.queues, order, {
        aggregate: this.o.aggregate,
        aggregationMaxBytes: this.o.aggregationMaxBytes,
        maxAggregatableBytes: this.o.maxAggregatableBytes,
        maxEntries: MAX_CALL_RECORDS,
        maxBytes: MAX_CALL_BYTES,
        now,
        budget: (shardId) => this.s.budget(shardId, now),
        ...(ordered
          ? { skip: (id: string) => this.s.inFlightShards.has(id), singleShard: true }
          : {}),
      });
      if (planned.length === 0) {
        const wake = this.s.nextWake(now, ordered);
        if (wake !== undefined) this.s.wakeAt(wake, () => this.pump());
        return;
      }
      this.s.dispatch(planned, now);
      void this.send(planned, ordered).finally(() => {
        this.s.complete(planned);
        this.pump();
      });
    }
  }

  private refresh(): void {
    this.refreshing = true;
    const { clock } = this.o;
    retry(() => this.o.writer.listShards(), {
      retries: 3,
      initialDelayMs: 100,
      maxDelayMs: 1_000,
      random: this.o.random,
      sleep: (ms) => sleepOn(clock, ms),
      shouldRetry: (error) => classifyAwsError(error, 'retriable') !== 'fatal',
    })
      .then((shards) => {
        const map = ShardMap.fromShards(shards);
        if (map.shards.length === 0) throw new Error('the stream has no open shards');
        this.map = map;
        this.mapLoadedAt = clock.now();
        this.stale = false;
        this.emit({ type: 'producer.shard-map', openShards: map.shards.length });
        this.route(this.s.takeAllQueued());
        this.checkStraddles(map);
      })
      .catch((error: unknown) => {
        this.refreshNotBefore = clock.now() + 1_000;
        // A missing stream or denied access will not heal: fail what waits, do not let it expire.
        const code = awsErrorCode(error);
        if (classifyAwsError(error, 'retriable') === 'fatal') {
          for (const p of this.s.takeAllQueued()) this.fail(p, 'NON_RETRIABLE', code);
        }
      })
      .finally(() => {
        this.refreshing = false;
        this.pump();
      });
  }

  private async send(planned: PlannedEntry<Pending>[], ordered: boolean): Promise<void> {
    for (const e of planned) for (const p of e.items) p.attempts += 1;
    const started = this.o.clock.now();
    const records = planned.reduce((n, e) => n + e.items.length, 0);
    const bytes = planned.reduce((n, e) => n + e.size, 0);
    if (ordered) {
      for (let i = 0; i < planned.length; i += 1) {
        const e = planned[i]!;
        try {
          const out = await this.o.writer.putRecord(e.entry, this.lastSequence.get(e.shardId));
          this.lastSequence.set(e.shardId, out.sequenceNumber);
          this.deliver(e, out.shardId, out.sequenceNumber);
        } catch (error) {
          this.emit({
            type: 'producer.call-failed',
            code: awsErrorCode(error),
            entries: planned.length - i,
          });
          // The untried entries go back first, then the failed one in front of them.
          const untried = planned.slice(i + 1).flatMap((r) => r.items);
          for (const p of untried) p.attempts -= 1;
          this.route(untried, true);
          this.retryEntries([e], awsErrorCode(error), classifyAwsError(error, 'retriable'));
          return;
        }
      }
      this.emit({
        type: 'producer.call',
        api: 'PutRecord',
        entries: planned.length,
        records,
        bytes,
        failedEntries: 0,
        durationMs: this.o.clock.now() - started,
      });
      return;
    }
    let outcomes;
    try {
      outcomes = await this.o.writer.putRecords(planned.map((e) => e.entry));
    } catch (error) {
      this.emit({
        type: 'producer.call-failed',
        code: awsErrorCode(error),
        entries: planned.length,
      });
      this.retryEntries(planned, awsErrorCode(error), classifyAwsError(error, 'retriable'));
      return;
    }
    const failed = new Map<string, PlannedEntry<Pending>[]>();
    outcomes.forEach((outcome, i) => {
      const e = planned[i]!;
      if (outcome.ok) this.deliver(e, outcome.shardId, outcome.sequenceNumber);
      else failed.set(outcome.errorCode, [...(failed.get(outcome.errorCode) ?? []), e]);
    });
    const failedEntries = [...failed.values()].reduce((n, l) => n + l.length, 0);
    this.emit({
      type: 'producer.call',
      api: 'PutRecords',
      entries: planned.length,
      records,
      bytes,
      failedEntries,
      durationMs: this.o.clock.now() - started,
    });
    for (const [code, entries] of failed) this.retryEntries(entries, code);
  }

  /**
   * Aggregates that landed on an unexpected shard (sent in the window before a resharding
   * was noticed) may hold user records whose hash key lies outside that shard: the Java KCL
   * drops those. They are reported and sent again on their own, so every reader sees each
   * record at least once (readers that do not filter see it twice: at-least-once). Checked
   * once the new map knows the shard they landed on.
   */
  private checkStraddles(map: ShardMap): number {
    const known = new Set(map.shards.map((s) => s.shardId));
    const later: typeof this.suspects = [];
    const copies: Pending[] = [];
    for (const suspect of this.suspects) {
      if (!known.has(suspect.shardId)) {
        later.push(suspect);
        continue;
      }
      const outside = suspect.items.filter((p) => map.shardFor(p.hash) !== suspect.shardId);
      if (outside.length === 0) continue;
      this.emit({ type: 'producer.straddle', shardId: suspect.shardId, records: outside.length });
      const now = this.o.clock.now();
      for (const { batch: _batch, index: _index, ...p } of outside) {
        copies.push({
          ...p,
          id: this.s.admitCopy(p.record.size),
          copy: true,
          notBefore: now,
          enqueuedAt: now,
          deadline: now + this.o.recordTtlMs,
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

  private deliver(e: PlannedEntry<Pending>, shardId: string, sequenceNumber: string): void {
    if (shardId !== e.shardId) {
      this.stale = true;
      if (e.aggregated) this.suspects.push({ shardId, items: e.items });
      this.emit({ type: 'producer.misprediction', predicted: e.shardId, actual: shardId });
    }
    const now = this.o.clock.now();
    e.items.forEach((p, i) => {
      this.s.settle(p);
      this.emit({ type: 'producer.delivered', shardId, latencyMs: now - p.enqueuedAt });
      if (p.batch) return p.batch.ok();
      p.resolve({
        shardId,
        sequenceNumber,
        attempts: p.attempts,
        ...(e.aggregated ? { subSequenceNumber: i } : {}),
      });
    });
  }

  private retryEntries(
    entries: readonly PlannedEntry<Pending>[],
    code: string,
    kind = classifyAwsErrorCode(code, 'retriable'),
  ): void {
    const now = this.o.clock.now();
    const again: Pending[] = [];
    for (const e of entries) {
      if (kind === 'throttle') {
        this.s.penalize(e.shardId, now);
        this.emit({ type: 'producer.throttled', shardId: e.shardId });
      }
      for (const p of e.items) {
        p.lastCode = code;
        if (kind === 'fatal') this.fail(p, 'NON_RETRIABLE', code);
        else if (p.attempts > this.o.retries) this.fail(p, 'RETRIES_EXHAUSTED', code);
        else {
          const delay = backoffDelay(p.attempts - 1, this.o.random(), this.o.backoff);
          if (now + delay > p.deadline) this.fail(p, 'TTL_EXPIRED', code);
          else {
            p.notBefore = now + delay;
            this.s.counters.retries += 1;
            this.emit({
              type: 'producer.retry',
              shardId: e.shardId,
              code,
              attempt: p.attempts,
              delayMs: delay,
            });
            again.push(p);
          }
        }
      }
    }
    // Keep per-shard order: the failed records go back in front of later ones.
    if (again.length > 0) this.route(again, true);
  }

  private fail(p: Pending, reason: FailureReason, code: string): void {
    this.s.settle(p, true);
    this.emit({ type: 'producer.failed', reason, code });
    const error = new RecordFailedError(reason, p.attempts, code);
    if (p.batch) p.batch.fail(p.index ?? -1, error);
    else p.reject(error);
  }
}
