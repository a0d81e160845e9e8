/**
 * @module sinks/firehose-sink
 * Writes traced values to a Firehose delivery stream as newline-delimited JSON through
 * `PutRecordBatch`, within the documented limits (≤ 500 records, ≤ 4 MiB per call,
 * ≤ 1,000 KiB per record). A 200 answer may still fail some entries (`FailedPutCount`,
 * per-record `ErrorCode`): only those entries are sent again, with the core retry helper's
 * bounded, jittered back-off; whole-call throttling and 5xx are retried the same way.
 * Invariant: an item counts as written only when Firehose returned a `RecordId` for it, so
 * nothing is acknowledged before it is durable, and no entry is re-sent after success.
 */
import { PutRecordBatchCommand, type FirehoseClient } from '@aws-sdk/client-firehose';
import { ConfigError, RetriableError, retry } from '../core/index.js';
import type { Traced } from '../core/index.js';
import { packBatches } from './batching.js';
import { callFailure, sinkRetryOptions, type SinkBackoff } from './sink-retry.js';
import {
  sinkResult,
  type Sink,
  type SinkEvent,
  type SinkFailure,
  type SinkResult,
} from './sink.js';

/** Documented PutRecordBatch limits. */
export const FIREHOSE_LIMITS = {
  maxCount: 500,
  maxBytes: 4 * 1024 * 1024,
  maxItemBytes: 1_024_000,
} as const;

/** Options of {@link createFirehoseSink}. */
export interface FirehoseSinkOptions<T> {
  readonly client: FirehoseClient;
  readonly deliveryStreamName: string;
  /** One line of JSON per value (a newline is appended); default `JSON.stringify`. */
  readonly serialize?: (value: T) => string;
  /** Back-off for failed entries and failed calls; default 8 retries, 100 ms → 5 s. */
  readonly retry?: SinkBackoff;
  /** Name in events; default the delivery stream name. */
  readonly name?: string;
  readonly onEvent?: (event: SinkEvent) => void;
}

interface Entry<T> {
  readonly item: Traced<T>;
  readonly data: Uint8Array;
}

/** A {@link Sink} writing to Firehose. */
export function createFirehoseSink<T>(options: FirehoseSinkOptions<T>): Sink<T> {
  const {
    client,
    deliveryStreamName,
    serialize = (value: T) => JSON.stringify(value),
    retry: backoff = {},
    name = deliveryStreamName,
    onEvent,
  } = options;
  if (!deliveryStreamName) throw new ConfigError('deliveryStreamName', 'must not be empty');
  const retryOptions = sinkRetryOptions(name, backoff, 100, onEvent);

  /** Sends one group; returns entries written and failures (after retries). */
  const sendGroup = async (group: readonly Entry<T>[]) => {
    let pending = group;
    const written: Traced<T>[] = [];
    let lastCodes = new Map<Entry<T>, string>();
    try {
      await retry(async () => {
        const out = await client.send(
          new PutRecordBatchCommand({
            DeliveryStreamName: deliveryStreamName,
            Records: pending.map((e) => ({ Data: e.data })),
          }),
        );
        const responses = out.RequestResponses ?? [];
        const failed: Entry<T>[] = [];
        lastCodes = new Map();
        pending.forEach((entry, i) => {
          const r = responses[i];
          if (r?.RecordId && !r.ErrorCode) written.push(entry.item);
          else {
            failed.push(entry);
            lastCodes.set(entry, r?.ErrorCode ?? 'MissingRecordId');
          }
        });
        pending = failed;
        if (failed.length > 0)
          throw new RetriableError('FIREHOSE_PARTIAL_FAILURE', `${failed.length} record(s) failed`);
      }, retryOptions);
      return { written, failures: [] as SinkFailure<T>[] };
    } catch (error) {
      const why = callFailure(error);
      const failures = pending.map((entry) => ({
        item: entry.item,
        code: lastCodes.get(entry) ?? why.code,
        message: why.message,
        retriable: why.retriable || lastCodes.has(entry),
      }));
      return { written, failures };
    }
  };

  return {
    async write(items: readonly Traced<T>[]): Promise<SinkResult<T>> {
      const entries = items.map((item) => ({
        item,
        data: Buffer.from(`${serialize(item.value)}\n`, 'utf8'),
      }));
      const { groups, oversized } = packBatches(entries, (e) => e.data.byteLength, FIREHOSE_LIMITS);
      const failures: SinkFailure<T>[] = oversized.map((e) => ({
        item: e.item,
        code: 'RECORD_TOO_LARGE',
        message: `record of ${e.data.byteLength} bytes exceeds Firehose's ${FIREHOSE_LIMITS.maxItemBytes}`,
        retriable: false,
      }));
      const written: Traced<T>[] = [];
      for (const group of groups) {
        const out = await sendGroup(group);
        written.push(...out.written);
        failures.push(...out.failures);
        if (out.written.length > 0)
          onEvent?.({ type: 'sink.written', sink: name, items: out.written.length });
      }
      for (const f of failures) onEvent?.({ type: 'sink.failed', sink: name, code: f.code });
      return sinkResult(written, failures);
    },
  };
}
