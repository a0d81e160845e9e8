/**
 * @module producers/call-sender
 * One planned call of the producer and what becomes of each of its records: sends it
 * (`PutRecords`, or with `ordering: 'perPartitionKey'` a chain of `PutRecord` calls linked by
 * `SequenceNumberForOrdering`), then settles every record exactly once — delivered (shard id,
 * sequence number, sub-sequence inside an aggregate), retried after a jittered back-off (only
 * the failed entries; throttling empties the shard's record bucket), or failed with its reason
 * (`NON_RETRIABLE`, `RETRIES_EXHAUSTED`, `TTL_EXPIRED`).
 *
 * Invariants: retried records go back in front of their shard's queue (per-shard order); with
 * ordering, the entries after a failed one are not counted as attempted and go back behind it.
 */
import { awsErrorCode, classifyAwsError, classifyAwsErrorCode } from '../adapters/index.js';
import { backoffDelay } from '../core/index.js';
import type { PlannedEntry } from './batcher.js';
import { RecordFailedError, type FailureReason } from './errors.js';
import type { ResolvedProducerOptions } from './producer-options.js';
import type { Pending, ProducerState } from './producer-state.js';
import type { ShardPredictor } from './shard-prediction.js';

/** Sends the producer's planned calls and settles their records. */
export class CallSender {
  private readonly lastSequence = new Map<string, string>();

  constructor(
    private readonly o: ResolvedProducerOptions,
    private readonly s: ProducerState,
    private readonly predictor: ShardPredictor,
  ) {}

  /** Sends one planned call and settles (or re-queues) every record in it; never rejects. */
  async send(planned: PlannedEntry<Pending>[], ordered: boolean): Promise<void> {
    for (const e of planned) for (const p of e.items) p.attempts += 1;
    const emit = this.o.onEvent;
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
          emit({
            type: 'producer.call-failed',
            code: awsErrorCode(error),
            entries: planned.length - i,
          });
          // The untried entries go back first, then the failed one in front of them.
          const untried = planned.slice(i + 1).flatMap((r) => r.items);
          for (const p of untried) p.attempts -= 1;
          this.predictor.route(untried, true);
          this.retryEntries([e], awsErrorCode(error), classifyAwsError(error, 'retriable'));
          return;
        }
      }
      emit({
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
      emit({
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
    emit({
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

  /** Settles a record as failed: its caller's promise (or `putMany` call) learns why. */
  fail(p: Pending, reason: FailureReason, code: string): void {
    this.s.settle(p, true);
    this.o.onEvent({ type: 'producer.failed', reason, code });
    const error = new RecordFailedError(reason, p.attempts, code);
    if (p.batch) p.batch.fail(p.index ?? -1, error);
    else p.reject(error);
  }

  private deliver(e: PlannedEntry<Pending>, shardId: string, sequenceNumber: string): void {
    if (shardId !== e.shardId) this.predictor.mispredicted(e, shardId);
    const emit = this.o.onEvent;
    const now = this.o.clock.now();
    e.items.forEach((p, i) => {
      this.s.settle(p);
      emit({ type: 'producer.delivered', shardId, latencyMs: now - p.enqueuedAt });
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
    const emit = this.o.onEvent;
    const now = this.o.clock.now();
    const again: Pending[] = [];
    for (const e of entries) {
      if (kind === 'throttle') {
        this.s.penalize(e.shardId, now);
        emit({ type: 'producer.throttled', shardId: e.shardId });
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
            emit({
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
    if (again.length > 0) this.predictor.route(again, true);
  }
}
