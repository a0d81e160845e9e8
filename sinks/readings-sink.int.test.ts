/**
 * The readings sink against dynalite (shared local cloud): window rows land under
 * `pk = key, sk = ISO window start` with a TTL, the key registry gets one row per key, and a
 * registry row is re-written only after its refresh interval.
 */
import { DeleteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { bootstrapResources } from '../localstack/index.js';
import { PositionSet, resourcesFor, traced, type Traced } from '../core/index.js';
import { testClients, testConfig } from '../test/helpers.js';
import {
  createReadingsSink,
  READINGS_INDEX_PARTITION,
  readingRowKey,
  type KeyedRow,
} from './readings-sink.js';

const T0 = Date.UTC(2026, 10, 23, 6, 0);
const config = testConfig();
const aws = testClients(config);

beforeAll(async () => {
  const tables = resourcesFor(config).tables.filter((t) => t.role === 'readings');
  await bootstrapResources(aws, { streams: [], tables, buckets: [], deliveryStreams: [] });
});
afterAll(() => aws.destroy());

const rows = (key: string, kind: string, minutes: number, ordinal = 0): Traced<KeyedRow>[] =>
  Array.from({ length: minutes }, (_, m) =>
    traced(
      {
        key: readingRowKey({ key, windowStart: T0 + m * 60_000 }),
        attributes: { kind, values: { iaq: 50 + m }, imputed: false },
      },
      PositionSet.single('shard-0', ordinal + m),
    ),
  );

const registry = async (key: string) =>
  (
    await aws.documents.send(
      new GetCommand({
        TableName: config.readingsTableName,
        Key: { pk: READINGS_INDEX_PARTITION, sk: key },
      }),
    )
  ).Item;

it('writes one row per key and window with a TTL, and registers each key once per refresh', async () => {
  let now = T0;
  const sink = createReadingsSink({
    client: aws.documents,
    tableName: config.readingsTableName,
    ttlSeconds: 3_600,
    indexRefreshMs: 60_000,
    clock: () => now,
  });
  const first = await sink.write([
    ...rows('dev-a', 'device', 3, 0),
    ...rows('h-0001', 'household', 2, 10),
  ]);
  expect(first.failures).toEqual([]);
  expect(first.written).toBe(5);
  expect(first.durable.toString()).toBe('shard-0:[0-2,10-11]');

  const stored = await aws.documents.send(
    new QueryCommand({
      TableName: config.readingsTableName,
      KeyConditionExpression: 'pk = :k',
      ExpressionAttributeValues: { ':k': 'dev-a' },
    }),
  );
  expect(stored.Items?.map((i) => [i.sk, (i.values as { iaq: number }).iaq, i.expiresAt])).toEqual([
    [new Date(T0).toISOString(), 50, T0 / 1000 + 3_600],
    [new Date(T0 + 60_000).toISOString(), 51, T0 / 1000 + 3_600],
    [new Date(T0 + 120_000).toISOString(), 52, T0 / 1000 + 3_600],
  ]);
  expect((await registry('dev-a'))?.kind).toBe('device');
  expect((await registry('h-0001'))?.kind).toBe('household');

  // within the refresh interval the registry row is not written again …
  await aws.documents.send(
    new DeleteCommand({
      TableName: config.readingsTableName,
      Key: { pk: READINGS_INDEX_PARTITION, sk: 'dev-a' },
    }),
  );
  await sink.write(rows('dev-a', 'device', 1, 20));
  expect(await registry('dev-a')).toBeUndefined();
  // … and after it, it is (renewing its TTL).
  now += 60_000;
  await sink.write(rows('dev-a', 'device', 1, 21));
  expect(await registry('dev-a')).toMatchObject({
    kind: 'device',
    expiresAt: (T0 + 60_000) / 1000 + 3_600,
  });
});
