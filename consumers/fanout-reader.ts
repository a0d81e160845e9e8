/**
 * @module consumers/fanout-reader
 * Enhanced fan-out retrieval: registers (or finds) a stream consumer, then reads a shard
 * through `SubscribeToShard` event streams. A subscription lasts at most 5 minutes (the
 * service closes it), so the reader re-subscribes — earlier if `renewAfterMs` passes — from
 * the last delivered continuation sequence number. Invariant: after a re-subscription no
 * record is skipped or repeated; a null continuation means the shard ended.
 */
import {
  DescribeStreamConsumerCommand,
  DescribeStreamSummaryCommand,
  RegisterStreamConsumerCommand,
  ResourceInUseException,
  type KinesisClient,
  type SubscribeToShardEvent,
  type SubscribeToShardEventStream,
} from '@aws-sdk/client-kinesis';
import { classifyAwsError } from '../adapters/index.js';
import { ShardflowError, backoffDelay } from '../core/index.js';
import { sleep, type ReadResult, type ShardReader, type StartingPosition } from './shard-reader.js';
import { subscribeToShard } from './subscribe-to-shard.js';

/** Registers `consumerName` on the stream (idempotent) and waits until ACTIVE; returns its ARN. */
export async function ensureStreamConsumer(
  kinesis: KinesisClient,
  streamName: string,
  consumerName: string,
  timeoutMs = 30_000,
): Promise<string> {
  const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
  const StreamARN = summary.StreamDescriptionSummary?.StreamARN;
  if (!StreamARN) throw new ShardflowError('NO_STREAM_ARN', `stream ${streamName} has no ARN`);
  try {
    await kinesis.send(
      new RegisterStreamConsumerCommand({ StreamARN, ConsumerName: consumerName }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await kinesis.send(
      new DescribeStreamConsumerCommand({ StreamARN, ConsumerName: consumerName }),
    );
    const c = d.ConsumerDescription;
    if (c?.ConsumerStatus === 'ACTIVE' && c.ConsumerARN) return c.ConsumerARN;
    if (Date.now() > deadline)
      throw new ShardflowError('CONSUMER_NOT_ACTIVE', `consumer ${consumerName} not ACTIVE`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Options of {@link FanOutReader}. */
export interface FanOutReaderOptions {
  readonly kinesis: KinesisClient;
  readonly consumerArn: string;
  readonly shardId: string;
  readonly start: StartingPosition;
  /** Re-subscribe after this long (the service ends subscriptions at 5 minutes); default 290 s. */
  readonly renewAfterMs?: number;
  readonly maxRetries?: number;
  readonly random?: () => number;
  readonly now?: () => number;
  readonly onRetry?: (error: unknown) => void;
}

/** Reads one shard through SubscribeToShard. */
export class FanOutReader implements ShardReader {
  private stream: AsyncIterator<SubscribeToShardEventStream> | undefined;
  private controller: AbortController | undefined;
  /** Detaches the current subscription's abort from the caller's signal. */
  private detach: (() => void) | undefined;
  private subscribedAt = 0;
  private continuation: string | undefined;
  private readonly o: Required<Omit<FanOutReaderOptions, 'onRetry'>> &
    Pick<FanOutReaderOptions, 'onRetry'>;
  /** Number of subscriptions opened (for tests and telemetry). */
  subscriptions = 0;

  constructor(options: FanOutReaderOptions) {
    this.o = {
      renewAfterMs: 290_000,
      maxRetries: 8,
      random: Math.random,
      now: Date.now,
      ...options,
    };
  }

  async read(signal: AbortSignal): Promise<ReadResult> {
    for (let attempt = 0; ; attempt += 1) {
      // an abort can end the HTTP stream cleanly: never subscribe again after it
      if (signal.aborted) throw signal.reason;
      try {
        if (this.stream && this.o.now() - this.subscribedAt > this.o.renewAfterMs)
          this.unsubscribe();
        if (!this.stream) await this.subscribe(signal);
        const next = await this.nextEvent(signal);
        if (!next) {
          this.unsubscribe(); // subscription ended (5-minute limit): resume from continuation
          continue;
        }
        const records = next.Records ?? [];
        this.continuation = next.ContinuationSequenceNumber ?? undefined;
        const shardEnd = next.ContinuationSequenceNumber == null;
        if (shardEnd) this.unsubscribe();
        return {
          records,
          shardEnd,
          ...(next.MillisBehindLatest !== undefined
            ? { millisBehindLatest: next.MillisBehindLatest }
            : {}),
          ...(next.ChildShards?.length ? { childShards: next.ChildShards } : {}),
        };
      } catch (error) {
        this.unsubscribe();
        if (signal.aborted) throw error;
        // re-subscribing from the continuation is always safe: only a known fatal error
        // (ResourceNotFound, KMS*, AccessDenied…) ends the session; a truncated stream, an
        // HTTP/2 reset or an InternalFailure exception event is retried, as in the KCL
        if (classifyAwsError(error, 'retriable') === 'fatal' || attempt >= this.o.maxRetries)
          throw error;
        this.o.onRetry?.(error);
        await sleep(
          backoffDelay(attempt, this.o.random(), { initialDelayMs: 200, maxDelayMs: 5_000 }),
          signal,
        );
      }
    }
  }

  close(): void {
    this.unsubscribe();
  }

  private async subscribe(signal: AbortSignal): Promise<void> {
    const position: StartingPosition = this.continuation
      ? { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: this.continuation }
      : this.o.start;
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) controller.abort();
    const detach = () => signal.removeEventListener('abort', onAbort);
    let out;
    try {
      // the SDK's call with a lean reader of the event stream (subscribe-to-shard.ts)
      out = await subscribeToShard(
        this.o.kinesis,
        {
          ConsumerARN: this.o.consumerArn,
          ShardId: this.o.shardId,
          StartingPosition: {
            Type: position.type,
            ...(position.sequenceNumber ? { SequenceNumber: position.sequenceNumber } : {}),
            ...(position.timestamp ? { Timestamp: position.timestamp } : {}),
          },
        },
        controller.signal,
      );
    } catch (error) {
      detach();
      throw error;
    }
    this.controller = controller;
    this.detach = detach;
    if (!out.EventStream)
      throw new ShardflowError('NO_EVENT_STREAM', 'SubscribeToShard returned no stream');
    this.stream = out.EventStream[Symbol.asyncIterator]();
    this.subscribedAt = this.o.now();
    this.subscriptions += 1;
  }

  private async nextEvent(signal: AbortSignal): Promise<SubscribeToShardEvent | undefined> {
    const stream = this.stream as AsyncIterator<SubscribeToShardEventStream>;
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const { value, done } = await stream.next();
      if (done) return undefined;
      if (value.SubscribeToShardEvent) return value.SubscribeToShardEvent;
      const failure = Object.values(value).find((v) => v instanceof Error);
      if (failure) throw failure;
    }
  }

  private unsubscribe(): void {
    this.controller?.abort(); // closes the HTTP stream
    this.detach?.();
    this.detach = undefined;
    this.controller = undefined;
    this.stream = undefined;
  }
}
