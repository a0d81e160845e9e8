/**
 * @module producers/producer-state
 * The book-keeping of the producer, kept apart from its control flow: the bounded buffer
 * and its waiters (back-pressure), the per-shard queues, per-shard token buckets, flush
 * barriers, in-flight calls and the single wake-up timer.
 *
 * Invariants: `buffered`/`bufferedBytes` count every record reserved and not yet settled;
 * `queued` counts the records in the queues (not in flight); a flush barrier resolves once
 * every record admitted before it has settled (ids are admitted in increasing order and the
 * `unsettled` ids know their oldest unsettled one).
 */
import type { Clock } from '../core/index.js';
import type { PlannedEntry, QueuedRecord, ShardBudget } from './batcher.js';
import type { CheckedRecord } from './limits.js';
import { MAX_RECORD_BYTES } from './limits.js';
import type { PutResult } from './producer-options.js';
import type { PutBatch } from './put-batch.js';
import { SettledIds } from './settled-ids.js';
import { TokenBucket } from './token-bucket.js';

/** A record accepted by the producer and not yet settled. */
export interface Pending extends QueuedRecord {
  readonly id: number;
  readonly record: CheckedRecord;
  /** A copy the producer re-sends by itself (no caller waits on it). */
  readonly copy?: boolean;
  readonly enqueuedAt: number;
  readonly deadline: number;
  attempts: number;
  lastCode: string;
  /** The caller's promise (`put`); unused when `batch` is set. */
  resolve(result: PutResult): void;
  reject(error: Error): void;
  /** The `putMany` call this record belongs to, and its index there. */
  readonly batch?: PutBatch;
  readonly index?: number;
}

interface Waiter {
  readonly size: number;
  readonly reserve: boolean;
  readonly resolve: () => void;
}

/** Options of {@link ProducerState}. */
export interface ProducerStateOptions {
  readonly clock: Clock;
  readonly recordsPerSecond: number;
  readonly bytesPerSecond: number;
  readonly maxBufferedRecords: number;
  readonly maxBufferedBytes: number;
}

/** Mutable state of one producer. */
export class ProducerState {
  readonly queues = new Map<string, Pending[]>();
  readonly inFlightShards = new Map<string, number>();
  readonly counters = {
    accepted: 0,
    delivered: 0,
    failed: 0,
    retries: 0,
    calls: 0,
    throttles: 0,
    resent: 0,
  };
  buffered = 0;
  inFlight = 0;
  queued = 0;
  /** Billed bytes of the queued records. */
  queuedBytes = 0;
  private unassigned: Pending[] = [];
  private bufferedBytes = 0;
  private readonly unsettled = new SettledIds();
  private readonly waiters: Waiter[] = [];
  private barriers: { target: number; resolve: () => void }[] = [];
  private readonly buckets = new Map<string, { records: TokenBucket; bytes: TokenBucket }>();
  private timer: { at: number; cancel: () => void } | undefined;
  private lastSweep = 0;

  constructor(private readonly o: ProducerStateOptions) {}

  /** Registers a new record (for flush barriers) and returns its id. */
  admit(): number {
    const id = this.unsettled.admit();
    this.counters.accepted += 1;
    return id;
  }

  /** Registers a producer-made copy, taking room without waiting (copies are few). */
  admitCopy(size: number): number {
    const id = this.unsettled.admit();
    this.counters.resent += 1;
    this.reserve(size);
    return id;
  }

  /** Whether a record of `size` bytes fits now; reserves the room when it does. */
  hasRoom(size: number): boolean {
    if (this.waiters.length > 0 || !this.fits(size)) return false;
    if (size > 0) this.reserve(size);
    return true;
  }

  /** Resolves (in FIFO order) once there is room, reserving it unless `size` is 0. */
  waitForRoom(size: number): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push({ size, reserve: size > 0, resolve });
    });
  }

  /** Whether a flush or close is waiting. */
  get flushing(): boolean {
    return this.barriers.length > 0;
  }

  /** Resolves once every record admitted so far has settled. */
  flushBarrier(): Promise<void> {
    return new Promise((resolve) => {
      this.barriers.push({ target: this.unsettled.admitted, resolve });
      this.checkBarriers();
    });
  }

  /** Appends (or puts in front) records on a shard queue; `undefined` = shard unknown yet. */
  enqueue(shardId: string | undefined, items: readonly Pending[], front: boolean): void {
    const queue = shardId === undefined ? this.unassigned : this.queueOf(shardId);
    if (front) queue.unshift(...items);
    else queue.push(...items);
    this.queued += items.length;
    for (const p of items) this.queuedBytes += p.record.size;
  }

  /** Appends one record to a shard queue (the common path: no array per record). */
  enqueueOne(shardId: string | undefined, p: Pending): void {
    (shardId === undefined ? this.unassigned : this.queueOf(shardId)).push(p);
    this.queued += 1;
    this.queuedBytes += p.record.size;
  }

  /** Empties every queue (to re-route after a shard-map change), keeping per-queue order. */
  takeAllQueued(): Pending[] {
    const all = [...this.unassigned];
    this.unassigned = [];
    for (const queue of this.queues.values()) all.push(...queue.splice(0));
    this.queued = 0;
    this.queuedBytes = 0;
    return all;
  }

  /** Enqueue time of the oldest queued record. */
  oldestEnqueuedAt(): number {
    let oldest = Number.POSITIVE_INFINITY;
    for (const queue of this.queues.values()) {
      if (queue.length > 0 && queue[0]!.enqueuedAt < oldest) oldest = queue[0]!.enqueuedAt;
    }
    return oldest;
  }

  /** Non-empty shard queues, rotated by `turn` so every shard gets to go first. */
  shardOrder(turn: number): string[] {
    const ids = [...this.queues.keys()].filter((id) => this.queues.get(id)!.length > 0);
    const k = ids.length === 0 ? 0 : turn % ids.length;
    return [...ids.slice(k), ...ids.slice(0, k)];
  }

  /** Rate allowance of a shard now. */
  budget(shardId: string, now: number): ShardBudget {
    const b = this.bucketsOf(shardId, now);
    return { entries: b.records.available(now), bytes: b.bytes.available(now) };
  }

  /** When the next record could go: the earliest back-off end or token refill. */
  nextWake(now: number, skipInFlight: boolean): number | undefined {
    let wake: number | undefined;
    for (const [shardId, queue] of this.queues) {
      if (queue.length === 0 || (skipInFlight && this.inFlightShards.has(shardId))) continue;
      const head = queue[0]!;
      const b = this.bucketsOf(shardId, now);
      // When rate-limited, wait for a useful batch (1/20 s of the shard's allowance) rather
      // than trickling out one record per call as each token arrives.
      const want = Math.min(queue.length, Math.max(1, Math.ceil(b.records.capacity / 20)));
      const tokens = Math.max(b.records.waitMs(want, now), b.bytes.waitMs(head.record.size, now));
      const t = Math.max(head.notBefore, now + tokens, now + 1);
      if (wake === undefined || t < wake) wake = t;
    }
    return wake;
  }

  /** Takes tokens and marks a planned call in flight. */
  dispatch(planned: readonly PlannedEntry<Pending>[], now: number): void {
    for (const e of planned) {
      const b = this.bucketsOf(e.shardId, now);
      b.records.take(1, now);
      b.bytes.take(e.size, now);
      this.queued -= e.items.length;
      for (const p of e.items) this.queuedBytes -= p.record.size;
      this.inFlightShards.set(e.shardId, (this.inFlightShards.get(e.shardId) ?? 0) + 1);
    }
    this.inFlight += 1;
    this.counters.calls += 1;
  }

  /** Marks a call finished. */
  complete(planned: readonly PlannedEntry<Pending>[]): void {
    this.inFlight -= 1;
    for (const e of planned) {
      const n = (this.inFlightShards.get(e.shardId) ?? 1) - 1;
      if (n <= 0) this.inFlightShards.delete(e.shardId);
      else this.inFlightShards.set(e.shardId, n);
    }
  }

  /** Empties a throttled shard's record bucket so it backs off. */
  penalize(shardId: string, now: number): void {
    this.bucketsOf(shardId, now).records.drain(now);
    this.counters.throttles += 1;
  }

  /** Releases a settled record's room and wakes waiters and flush barriers. */
  settle(p: Pending, failed = false): void {
    if (!this.unsettled.settle(p.id)) return;
    this.buffered -= 1;
    this.bufferedBytes -= p.record.size;
    if (p.copy) {
      // counted as `resent` when made
    } else if (failed) this.counters.failed += 1;
    else this.counters.delivered += 1;
    while (this.waiters.length > 0 && this.fits(this.waiters[0]!.size)) {
      const w = this.waiters.shift()!;
      if (w.reserve) this.reserve(w.size);
      w.resolve();
    }
    this.checkBarriers();
  }

  /** Fails queued records past their deadline (at most every 250 ms). */
  sweepExpired(now: number, onExpired: (p: Pending) => void): void {
    if (now - this.lastSweep < 250) return;
    this.lastSweep = now;
    const expired: Pending[] = [];
    const keep = (queue: Pending[]) => {
      const live = queue.filter((p) => (p.deadline > now ? true : (expired.push(p), false)));
      queue.splice(0, queue.length, ...live);
    };
    keep(this.unassigned);
    for (const queue of this.queues.values()) keep(queue);
    this.queued -= expired.length;
    for (const p of expired) this.queuedBytes -= p.record.size;
    for (const p of expired) onExpired(p);
  }

  /** Arranges one call of `fn` at time `at` (the earliest requested wins). */
  wakeAt(at: number, fn: () => void): void {
    if (this.timer && this.timer.at <= at) return;
    this.timer?.cancel();
    const cancel = this.o.clock.setTimer(Math.max(0, at - this.o.clock.now()), () => {
      this.timer = undefined;
      fn();
    });
    this.timer = { at, cancel };
  }

  /** Cancels the wake-up timer. */
  cancelTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private fits(size: number): boolean {
    return (
      this.buffered < this.o.maxBufferedRecords &&
      this.bufferedBytes + size <= this.o.maxBufferedBytes
    );
  }

  private reserve(size: number): void {
    this.buffered += 1;
    this.bufferedBytes += size;
  }

  private checkBarriers(): void {
    if (this.barriers.length === 0) return;
    const first = this.unsettled.oldest;
    const ready = this.barriers.filter((b) => b.target <= first);
    this.barriers = this.barriers.filter((b) => b.target > first);
    for (const b of ready) b.resolve();
  }

  private queueOf(shardId: string): Pending[] {
    let queue = this.queues.get(shardId);
    if (!queue) {
      queue = [];
      this.queues.set(shardId, queue);
    }
    return queue;
  }

  private bucketsOf(shardId: string, now: number): { records: TokenBucket; bytes: TokenBucket } {
    let b = this.buckets.get(shardId);
    if (!b) {
      b = {
        records: new TokenBucket({ ratePerSecond: this.o.recordsPerSecond, now }),
        bytes: new TokenBucket({
          ratePerSecond: this.o.bytesPerSecond,
          capacity: Math.max(this.o.bytesPerSecond, MAX_RECORD_BYTES),
          now,
        }),
      };
      this.buckets.set(shardId, b);
    }
    return b;
  }
}
