/**
 * @module sinks/dynamodb-sink
 * Writes traced results to a DynamoDB table with `BatchWriteItem`, in groups of ≤ 25 items
 * and ≤ 16 MB (items ≤ 400 KB), under deterministic keys so replays overwrite. Items a
 * call returns as `UnprocessedItems` — and whole calls that are throttled or fail with 5xx —
 * are retried with the core retry helper's bounded, jittered back-off. An optional TTL
 * attribute (epoch seconds) lets old results expire. Values with the same key in one call
 * collapse to the last (DynamoDB rejects duplicate keys in a batch; the row is the same).
 * Invariant: an item counts as written only when DynamoDB accepted its row.
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConfigError, RESULT_KEYS, RetriableError, retry } from '../core/index.js';
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

/** BatchWriteItem limits (DynamoDB developer guide). */
export const DYNAMODB_LIMITS = {
  maxCount: 25,
  maxBytes: 16 * 1024 * 1024,
  maxItemBytes: 400 * 1024,
} as const;

/** Time-to-live settings. */
export interface TtlOptions<T> {
  /** Seconds a row lives after `from`. */
  readonly seconds: number;
  /** Attribute name; default `RESULT_KEYS.ttlAttribute` (`expiresAt`). */
  readonly attribute?: string;
  /** Epoch ms the lifetime starts at; default the sink's clock at write time. */
  readonly from?: (value: T) => number;
}

/** Options of {@link createDynamoDbSink}. */
export interface DynamoDbSinkOptions<T> {
  /** Document client (`createAwsClients(config).documents`). */
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Deterministic key of a value (see `keys.ts`). */
  readonly key: (value: T) => Readonly<Record<string, string>>;
  /** Non-key attributes of a value; default the value's own fields. */
  readonly attributes?: (value: T) => Readonly<Record<string, unknown>>;
  readonly ttl?: TtlOptions<T>;
  /** Epoch ms; injected for tests. */
  readonly clock?: () => number;
  /** Back-off; default 8 retries, 50 ms → 5 s. */
  readonly retry?: SinkBackoff;
  readonly name?: string;
  readonly onEvent?: (event: SinkEvent) => void;
}

interface Row<T> {
  readonly id: string;
  readonly item: Record<string, unknown>;
  readonly sources: Traced<T>[];
  readonly bytes: number;
}

const keyId = (key: Readonly<Record<string, unknown>>, names: readonly string[]): string =>
  JSON.stringify(names.map((n) => key[n]));

/** A {@link Sink} writing result rows to DynamoDB. */
export function createDynamoDbSink<T>(options: DynamoDbSinkOptions<T>): Sink<T> {
  const {
    client,
    tableName,
    key,
    attributes = (value: T) => value as Readonly<Record<string, unknown>>,
    ttl,
    clock = Date.now,
    retry: backoff = {},
    name = tableName,
    onEvent,
  } = options;
  if (!tableName) throw new ConfigError('tableName', 'must not be empty');
  if (ttl && !(ttl.seconds > 0)) throw new ConfigError('ttl.seconds', 'must be positive');
  const retryOptions = sinkRetryOptions(name, backoff, 50, onEvent);
  const ttlAttribute = ttl?.attribute ?? RESULT_KEYS.ttlAttribute;

  const toRows = (items: readonly Traced<T>[]): Row<T>[] => {
    const rows = new Map<string, Row<T>>();
    for (const traced of items) {
      const k = key(traced.value);
      const names = Object.keys(k).sort();
      const item: Record<string, unknown> = { ...attributes(traced.value), ...k };
      if (ttl)
        item[ttlAttribute] = Math.floor(
          ((ttl.from?.(traced.value) ?? clock()) + ttl.seconds * 1000) / 1000,
        );
      const id = keyId(k, names);
      const sources = [...(rows.get(id)?.sources ?? []), traced];
      rows.delete(id); // re-insert: the last value's position in the order wins
      rows.set(id, { id, item, sources, bytes: Buffer.byteLength(JSON.stringify(item)) });
    }
    return [...rows.values()];
  };

  const sendGroup = async (group: readonly Row<T>[], keyNames: readonly string[]) => {
    let pending = group;
    const written: Row<T>[] = [];
    try {
      await retry(async () => {
        const out = await client.send(
          new BatchWriteCommand({
            RequestItems: { [tableName]: pending.map((r) => ({ PutRequest: { Item: r.item } })) },
          }),
        );
        const unprocessed = new Set(
          (out.UnprocessedItems?.[tableName] ?? []).flatMap((w) =>
            w.PutRequest?.Item ? [keyId(w.PutRequest.Item, keyNames)] : [],
          ),
        );
        written.push(...pending.filter((r) => !unprocessed.has(r.id)));
        pending = pending.filter((r) => unprocessed.has(r.id));
        if (pending.length > 0)
          throw new RetriableError(
            'DYNAMODB_UNPROCESSED_ITEMS',
            `${pending.length} item(s) unprocessed`,
          );
      }, retryOptions);
      return { written, failed: [] as Row<T>[], error: undefined };
    } catch (error) {
      return { written, failed: pending, error };
    }
  };

  return {
    async write(items: readonly Traced<T>[]): Promise<SinkResult<T>> {
      const rows = toRows(items);
      const first = items[0];
      const keyNames = first ? Object.keys(key(first.value)).sort() : [];
      const { groups, oversized } = packBatches(rows, (r) => r.bytes, DYNAMODB_LIMITS);
      const failures: SinkFailure<T>[] = oversized.flatMap((r) =>
        r.sources.map((item) => ({
          item,
          code: 'ITEM_TOO_LARGE',
          message: `item of ~${r.bytes} bytes exceeds DynamoDB's 400 KB`,
          retriable: false,
        })),
      );
      const written: Traced<T>[] = [];
      for (const group of groups) {
        const out = await sendGroup(group, keyNames);
        written.push(...out.written.flatMap((r) => r.sources));
        if (out.written.length > 0)
          onEvent?.({ type: 'sink.written', sink: name, items: out.written.length });
        if (out.failed.length === 0) continue;
        const why = callFailure(out.error);
        for (const row of out.failed)
          for (const item of row.sources) failures.push({ item, ...why });
      }
      for (const f of failures) onEvent?.({ type: 'sink.failed', sink: name, code: f.code });
      return sinkResult(written, failures);
    },
  };
}
