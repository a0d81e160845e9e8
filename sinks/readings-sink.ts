/**
 * @module sinks/readings-sink
 * The readings store: one row per key (device or household) and one-minute window — the
 * resampled values the models saw — in the readings table, `pk = key, sk = <ISO window
 * start>`, with a TTL, so readings are queryable by key and time range next to the anomalies
 * and predictions. Besides the rows it keeps a small registry of the keys seen (`pk = '#keys',
 * sk = key`, attribute `kind`), written the first time this process sees a key and again once
 * per `indexRefreshMs` (so its TTL is renewed), which is what `GET /sensorsdata/sensors` lists
 * without scanning the table. Invariant: a registry row that fails is reported as a failure of
 * the reading row that caused it, so the pipeline's ack join covers it like any output.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PositionSet, RESULT_KEYS, type Traced } from '../core/index.js';
import { createDynamoDbSink, type DynamoDbSinkOptions } from './dynamodb-sink.js';
import { subtractPositions, type Sink, type SinkEvent, type SinkResult } from './sink.js';

/** Partition of the key registry rows. */
export const READINGS_INDEX_PARTITION = '#keys';

/** A row with its key and non-key attributes (the pipeline's `ResultRow`). */
export interface KeyedRow {
  readonly key: Readonly<Record<string, string>>;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** Key of a readings row: one per key and window. */
export function readingRowKey(value: {
  readonly key: string;
  readonly windowStart: number | string;
}): Readonly<Record<string, string>> {
  const sk =
    typeof value.windowStart === 'number'
      ? new Date(value.windowStart).toISOString()
      : value.windowStart;
  return { [RESULT_KEYS.partitionKey]: value.key, [RESULT_KEYS.sortKey]: sk };
}

/** Options of {@link createReadingsSink}. */
export interface ReadingsSinkOptions {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Row lifetime; default 30 days. */
  readonly ttlSeconds?: number;
  /** Re-write a key's registry row after this long; default one hour. */
  readonly indexRefreshMs?: number;
  /** Epoch ms; injected for tests. */
  readonly clock?: () => number;
  readonly retry?: DynamoDbSinkOptions<KeyedRow>['retry'];
  readonly name?: string;
  readonly onEvent?: (event: SinkEvent) => void;
}

/** A {@link Sink} of reading rows that also keeps the key registry. */
export function createReadingsSink(options: ReadingsSinkOptions): Sink<KeyedRow> {
  const {
    client,
    tableName,
    ttlSeconds = 30 * 86_400,
    indexRefreshMs = 3_600_000,
    clock = Date.now,
    name = 'readings',
  } = options;
  const rows = createDynamoDbSink<KeyedRow>({
    client,
    tableName,
    name,
    key: (row) => row.key,
    attributes: (row) => row.attributes,
    ttl: { seconds: ttlSeconds },
    clock,
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  const indexedAt = new Map<string, number>();
  return {
    async write(items: readonly Traced<KeyedRow>[]): Promise<SinkResult<KeyedRow>> {
      const now = clock();
      const origin = new Map<KeyedRow, Traced<KeyedRow>>();
      const extra: Traced<KeyedRow>[] = [];
      for (const item of items) {
        const key = item.value.key[RESULT_KEYS.partitionKey];
        if (key === undefined) continue;
        const last = indexedAt.get(key);
        if (last !== undefined && now - last < indexRefreshMs) continue;
        indexedAt.set(key, now);
        const kind = item.value.attributes.kind;
        const row: KeyedRow = {
          key: { [RESULT_KEYS.partitionKey]: READINGS_INDEX_PARTITION, [RESULT_KEYS.sortKey]: key },
          attributes: { kind: typeof kind === 'string' ? kind : 'unknown' },
        };
        origin.set(row, item);
        extra.push({ value: row, positions: PositionSet.empty });
      }
      const result = await rows.write([...items, ...extra]);
      let extraFailed = 0;
      const failures = result.failures.map((f) => {
        const source = origin.get(f.item.value);
        if (!source) return f;
        extraFailed += 1;
        indexedAt.delete(f.item.value.key[RESULT_KEYS.sortKey] ?? '');
        return { ...f, item: source };
      });
      const failed = PositionSet.unionAll(failures.map((f) => f.item.positions));
      return {
        durable: subtractPositions(result.durable, failed),
        written: result.written - (extra.length - extraFailed),
        failures,
      };
    },
  };
}
