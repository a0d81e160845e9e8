/**
 * @module api/store
 * The API's reads of the results tables, each one bounded DynamoDB call: readings,
 * predictions and anomalies of a key in a time range (`Query` on `pk`, `sk` between the
 * range's ISO instants), anomalies of every key in a range (`Scan` with a filter: the
 * anomalies table is small by nature), the key registry of the readings table, the latest
 * window of a key, and the lease table. Pages come back with DynamoDB's start key of the next
 * page; nothing here retries beyond the SDK's own attempts (a reader can ask again).
 */
import {
  GetCommand,
  QueryCommand,
  ScanCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { RESULT_KEYS } from '../core/index.js';
import { READINGS_INDEX_PARTITION } from '../sinks/index.js';
import type { StartKey } from './page-token.js';
import type { TimeRange } from './params.js';

/** A page of items and where the next one starts (absent on the last page). */
export interface Page {
  readonly items: Record<string, unknown>[];
  readonly next?: Record<string, unknown>;
}

/** The tables the API reads. */
export interface StoreTables {
  readonly readings: string;
  readonly anomalies: string;
  readonly predictions: string;
  readonly leases: string;
}

/** Options of one page read. */
export interface PageRequest {
  readonly limit: number;
  readonly start?: StartKey;
}

const { partitionKey: PK, sortKey: SK } = RESULT_KEYS;
const iso = (ms: number) => new Date(ms).toISOString();
/** Sorts after every `<ISO>#<suffix>` of the same instant. */
const AFTER_SUFFIXES = '#\uffff';

/** The reads of the API. */
export interface Store {
  readings(key: string, range: TimeRange, page: PageRequest): Promise<Page>;
  predictions(key: string, range: TimeRange, page: PageRequest): Promise<Page>;
  anomalies(key: string | undefined, range: TimeRange, page: PageRequest): Promise<Page>;
  /** The key registry: `{ key, kind }` rows. */
  keys(page: PageRequest): Promise<Page>;
  /** A key's kind (`device`, `household`) from the registry; undefined for an unknown key. */
  kind(key: string): Promise<string | undefined>;
  /** The ISO start of a key's latest window, if any. */
  latest(key: string): Promise<string | undefined>;
  /** Every lease row (bounded to 1,000 shards). */
  leases(): Promise<Record<string, unknown>[]>;
}

/** A {@link Store} over the document client. */
export function createStore(client: DynamoDBDocumentClient, tables: StoreTables): Store {
  const query = async (
    table: string,
    key: string,
    fromSk: string,
    toSk: string,
    page: PageRequest,
    newestFirst = false,
  ): Promise<Page> => {
    const out = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
        ExpressionAttributeValues: { ':pk': key, ':from': fromSk, ':to': toSk },
        Limit: page.limit,
        ScanIndexForward: !newestFirst,
        ...(page.start ? { ExclusiveStartKey: page.start } : {}),
      }),
    );
    return {
      items: out.Items ?? [],
      ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}),
    };
  };
  return {
    readings: (key, range, page) =>
      query(tables.readings, key, iso(range.fromMs), iso(range.toMs), page),
    predictions: (key, range, page) =>
      query(tables.predictions, key, iso(range.fromMs), iso(range.toMs) + AFTER_SUFFIXES, page),
    async anomalies(key, range, page) {
      if (key !== undefined)
        return query(tables.anomalies, key, iso(range.fromMs), iso(range.toMs), page);
      const out = await client.send(
        new ScanCommand({
          TableName: tables.anomalies,
          FilterExpression: '#sk BETWEEN :from AND :to',
          ExpressionAttributeNames: { '#sk': SK },
          ExpressionAttributeValues: { ':from': iso(range.fromMs), ':to': iso(range.toMs) },
          Limit: page.limit,
          ...(page.start ? { ExclusiveStartKey: page.start } : {}),
        }),
      );
      return {
        items: out.Items ?? [],
        ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}),
      };
    },
    async keys(page) {
      const out = await client.send(
        new QueryCommand({
          TableName: tables.readings,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': PK },
          ExpressionAttributeValues: { ':pk': READINGS_INDEX_PARTITION },
          Limit: page.limit,
          ...(page.start ? { ExclusiveStartKey: page.start } : {}),
        }),
      );
      return {
        items: (out.Items ?? []).map((i) => ({ key: i[SK], kind: i.kind })),
        ...(out.LastEvaluatedKey ? { next: out.LastEvaluatedKey } : {}),
      };
    },
    async kind(key) {
      const out = await client.send(
        new GetCommand({
          TableName: tables.readings,
          Key: { [PK]: READINGS_INDEX_PARTITION, [SK]: key },
        }),
      );
      return typeof out.Item?.kind === 'string' ? out.Item.kind : undefined;
    },
    async latest(key) {
      const page = await query(tables.readings, key, '0', '9', { limit: 1 }, true);
      const sk = page.items[0]?.[SK];
      return typeof sk === 'string' ? sk : undefined;
    },
    async leases() {
      const out = await client.send(new ScanCommand({ TableName: tables.leases, Limit: 1_000 }));
      return out.Items ?? [];
    },
  };
}
