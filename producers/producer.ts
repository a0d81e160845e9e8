/**
 * @module producers/producer
 * The KPL-grade producer: accepts user records, predicts their shard, collects them into
 * `PutRecords` calls (optionally KPL-aggregated), paces each shard to its write limits,
 * retries only the failed entries with jittered back-off, and settles every record exactly
 * once — delivered (shard id and sequence number) or failed (with the reason). This module
 * is its public face (admission, back-pressure, flush, close) and the pump that decides when
 * a call is due; the shard map lives in `shard-prediction.ts`, a call and the settlement of
 * its records in `call-sender.ts`, the book-keeping in `producer-state.ts`, the packing of a
 * call in `batcher.ts`.
 *
 * Invariants: a record is held in exactly one place (waiting for room, a shard queue, or
 * one in-flight call) until it settles; nothing accepted is dropped by `close()`; the
 * buffer never holds more than `maxBufferedRecords` records or `maxBufferedBytes` bytes.
 */
import { planCall } from './batcher.js';
import { CallSender } from './call-sender.js';
import { RecordRejectedError } from './errors.js';
import {
  MAX_CALL_BYTES,
  MAX_CALL_RECORDS,
  checkRecord,
  type CheckedRecord,
  type UserRecord,
} from './limits.js';
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
import { ShardPredictor } from './shard-prediction.js';

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
  private readonly s: ProducerState;
  private readonly predictor: ShardPredictor;
  private readonly sender: CallSender;
  private closed = false;
  private rr = 0;

  constructor(options: KinesisProducerOptions) {
    this.o = resolveProducerOptions(options);
    const {
      clock,
      recordsPerSecondPerShard,
      bytesPerSecondPerShard,
      maxBufferedRecords,
      maxBufferedBytes,
    } = this.o;
    this.s = new ProducerState({
      clock,
      recordsPerSecond: recordsPerSecondPerShard,
      bytesPerSecond: bytesPerSecondPerShard,
      maxBufferedRecords,
      maxBufferedBytes,
    });
    this.predictor = new ShardPredictor({
      options: this.o,
      state: this.s,
      fail: (p, reason, code) => this.sender.fail(p, reason, code),
      pump: () => this.pump(),
    });
    this.sender = new CallSender(this.o, this.s, this.predictor);
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
    // Settle the straddle report with the shards as they are now.
    if (this.predictor.hasSuspects && (await this.predictor.settleStraddles())) {
      await this.flush();
    }
    this.s.cancelTimer();
  }

  /** Counters for progress lines and tests. */
  stats(): ProducerStats {
    return { ...this.s.counters, buffered: this.s.buffered, inFlightCalls: this.s.inFlight };
  }

  /** The current shard map (undefined before the first `ListShards`). */
  shardMap(): ShardMap | undefined {
    return this.predictor.current;
  }

  /** Routes accepted records and lets the pump decide whether a call is due. */
  private submit(items: readonly Pending[]): void {
    if (items.length === 0) return;
    this.predictor.route(items);
    this.pump();
  }

  /**
   * Decides what is due now: expires records past their TTL, waits for a fresh shard map,
   * and starts calls while fewer than `maxInFlightCalls` are in flight and a call is full,
   * forced (flush, close) or its oldest record has lingered long enough; otherwise sets the
   * one timer for the next moment something can be sent.
   */
  private pump(): void {
    const now = this.o.clock.now();
    this.s.sweepExpired(now, (p) => this.sender.fail(p, 'TTL_EXPIRED', p.lastCode));
    if (this.s.queued === 0) return; // nothing to send: no calls, no refresh, no timers
    if (!this.predictor.ready(now)) return;
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
      void this.sender.send(planned, ordered).finally(() => {
        this.s.complete(planned);
        this.pump();
      });
    }
  }
}
