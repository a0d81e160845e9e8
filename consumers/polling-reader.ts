/**
 * @module consumers/polling-reader
 * Polling retrieval (KCL `PollingConfig`): `GetRecords` with a record limit, an idle wait
 * when a shard has nothing new, calls at least `minCallIntervalMs` apart (Kinesis allows five
 * `GetRecords` per second per shard, so a backlog is read at that pace, not throttled), jittered back-off on throttling and server errors, and
 * recovery from `ExpiredIteratorException` by re-opening the iterator after the last
 * delivered sequence number. Successful responses are read by the lean reader of
 * `get-records.ts` (the SDK's per-record deserialisation is most of a consumer's cost). Invariant: records are returned once each, in shard order.
 */
import {
  ExpiredIteratorException,
  GetShardIteratorCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { isRetriableAwsError } from '../adapters/index.js';
import { ConfigError, ShardflowError, backoffDelay } from '../core/index.js';
import { getRecords } from './get-records.js';
import { sleep, type ReadResult, type ShardReader, type StartingPosition } from './shard-reader.js';

/** Options of {@link PollingReader}. */
export interface PollingReaderOptions {
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  readonly shardId: string;
  readonly start: StartingPosition;
  /** GetRecords `Limit` (1..10000); default 1000. */
  readonly limit?: number;
  /** Wait after an empty read; default 500 ms (KCL idleTimeBetweenReadsInMillis). */
  readonly idleTimeMs?: number;
  /**
   * Least time between the starts of two `GetRecords` calls on the shard; default 200 ms
   * (the service's 5 calls per second per shard; raise it when several applications read
   * the same stream, as they share that limit).
   */
  readonly minCallIntervalMs?: number;
  /** Clock of the call pacing (ms); default `Date.now`. */
  readonly now?: () => number;
  /** Retries of throttled / failed calls before giving up; default 8. */
  readonly maxRetries?: number;
  readonly random?: () => number;
  /** Called on each retried failure (telemetry). */
  readonly onRetry?: (error: unknown) => void;
}

/** Reads one shard with GetRecords. */
export class PollingReader implements ShardReader {
  private iterator: string | undefined;
  private lastSequenceNumber: string | undefined;
  private lastCallAt = Number.NEGATIVE_INFINITY;
  private readonly o: Required<Omit<PollingReaderOptions, 'onRetry'>> &
    Pick<PollingReaderOptions, 'onRetry'>;

  constructor(options: PollingReaderOptions) {
    this.o = {
      limit: 1000,
      idleTimeMs: 500,
      minCallIntervalMs: 200,
      now: Date.now,
      maxRetries: 8,
      random: Math.random,
      ...options,
    };
    if (!(this.o.limit >= 1 && this.o.limit <= 10_000)) {
      throw new ConfigError('retrieval.limit', 'must be in 1..10000');
    }
    if (!(this.o.minCallIntervalMs >= 0 && this.o.minCallIntervalMs <= 60_000)) {
      throw new ConfigError('retrieval.minCallIntervalMs', 'must be in 0..60000');
    }
  }

  async read(signal: AbortSignal): Promise<ReadResult> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        if (this.iterator === undefined) this.iterator = await this.openIterator(signal);
        // at most one interval, also if the clock stepped back
        const wait = Math.min(
          this.o.minCallIntervalMs,
          this.lastCallAt + this.o.minCallIntervalMs - this.o.now(),
        );
        if (wait > 0) await sleep(wait, signal);
        this.lastCallAt = this.o.now();
        const out = await getRecords(
          this.o.kinesis,
          { ShardIterator: this.iterator, Limit: this.o.limit },
          signal,
        );
        const records = out.Records ?? [];
        const last = records[records.length - 1];
        if (last?.SequenceNumber) this.lastSequenceNumber = last.SequenceNumber;
        this.iterator = out.NextShardIterator ?? undefined;
        const shardEnd = out.NextShardIterator == null;
        if (records.length === 0 && !shardEnd) await sleep(this.o.idleTimeMs, signal);
        return {
          records,
          shardEnd,
          ...(out.MillisBehindLatest !== undefined
            ? { millisBehindLatest: out.MillisBehindLatest }
            : {}),
          ...(out.ChildShards?.length ? { childShards: out.ChildShards } : {}),
        };
      } catch (error) {
        if (signal.aborted) throw error;
        if (error instanceof ExpiredIteratorException) {
          this.iterator = undefined; // re-open after the last delivered record
          continue;
        }
        if (!isRetriableAwsError(error) || attempt >= this.o.maxRetries) throw error;
        this.o.onRetry?.(error);
        // re-open after the last delivered record; with none yet, only at a fixed start (re-
        // opening at LATEST would skip what arrived since the iterator's position)
        if (
          this.lastSequenceNumber !== undefined ||
          (attempt > 1 && this.o.start.type !== 'LATEST')
        )
          this.iterator = undefined;
        await sleep(
          backoffDelay(attempt, this.o.random(), { initialDelayMs: 200, maxDelayMs: 5_000 }),
          signal,
        );
      }
    }
  }

  close(): void {
    this.iterator = undefined;
  }

  private async openIterator(signal: AbortSignal): Promise<string> {
    const position: StartingPosition = this.lastSequenceNumber
      ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: this.lastSequenceNumber }
      : this.o.start;
    const out = await this.o.kinesis.send(
      new GetShardIteratorCommand({
        StreamName: this.o.streamName,
        ShardId: this.o.shardId,
        ShardIteratorType: position.type,
        ...(position.sequenceNumber ? { StartingSequenceNumber: position.sequenceNumber } : {}),
        ...(position.timestamp ? { Timestamp: position.timestamp } : {}),
      }),
      { abortSignal: signal },
    );
    if (!out.ShardIterator)
      throw new ShardflowError('NO_ITERATOR', `no iterator for ${this.o.shardId}`);
    return out.ShardIterator;
  }
}
