import { PutItemCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { ListShardsCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { SourceRecord } from '../core/index.js';
import {
  createActiveStream,
  testClients,
  testConfig,
  uniqueName,
  waitFor,
} from '../test/helpers.js';
import { consume } from './consume.js';
import type { ConsumeOptions } from './consume-types.js';
import { SENTINEL, sentinel } from './lease.js';
import { LeaseRefresher } from './lease-refresher.js';
import { toItem } from './lease-serializer.js';
import { newLease } from './shard-sync.js';

const config = testConfig();
const aws = testClients(config);
afterAll(() => aws.destroy());

async function createStream(shards: number): Promise<string> {
  const name = uniqueName('compat');
  await createActiveStream(aws.kinesis, name, shards);
  return name;
}

const putRecords = (stream: string, from: number, to: number) =>
  aws.kinesis.send(
    new PutRecordsCommand({
      StreamName: stream,
      Records: Array.from({ length: to - from }, (_, i) => ({
        PartitionKey: `k${from + i}`,
        Data: Buffer.from(`r${from + i}`),
      })),
    }),
  );

/** A consumer that collects records and the error its batches end with, if any. */
function worker(streamName: string, leaseTableName: string, extra: Partial<ConsumeOptions> = {}) {
  const received: SourceRecord[] = [];
  const state: { error?: Error } = {};
  const consumer = consume({
    kinesis: aws.kinesis,
    dynamodb: aws.dynamodb,
    streamName,
    leaseTableName,
    workerId: uniqueName('w'),
    failoverTimeMs: 1_500,
    takeIntervalMs: 300,
    checkpointIntervalMs: 200,
    retrieval: { type: 'polling', idleTimeMs: 50 },
    ...extra,
  });
  consumer.batches.subscribe({
    next: (b) => received.push(...b.records),
    error: (e: Error) => (state.error = e),
  });
  return { consumer, received, state };
}

const scanAll = async (table: string) =>
  (await aws.dynamodb.send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ??
  [];
const byKey = (a: Record<string, AttributeValue>, b: Record<string, AttributeValue>) =>
  String(a.leaseKey?.S).localeCompare(String(b.leaseKey?.S));
const text = (r: SourceRecord) => Buffer.from(r.data).toString();

describe('KCL lease tables and stream identity (local cloud)', () => {
  it('consumes from a KCL 3.5 single-table lease table, never touching its non-lease items', async () => {
    const stream = await createStream(2);
    const table = uniqueName('kcl35');
    await putRecords(stream, 0, 30);
    const refresher = new LeaseRefresher({ dynamodb: aws.dynamodb, tableName: table });
    await refresher.createTableIfNotExists();
    const others: Record<string, AttributeValue>[] = [
      { leaseKey: { S: 'Leader' }, entityType: { S: 'LEADER' }, ownerName: { S: 'java-1' } },
      { leaseKey: { S: 'Migration3.0' }, entityType: { S: 'CLIENT_VERSION_MIGRATION' } },
      { leaseKey: { S: 'TableMigration3.5' }, entityType: { S: 'TABLE_MIGRATION' } },
      { leaseKey: { S: 'java-1' }, entityType: { S: 'WORKER_METRIC_STATS' }, lut: { N: '1' } },
    ];
    for (const Item of others)
      await aws.dynamodb.send(new PutItemCommand({ TableName: table, Item }));
    // one shard's lease as KCL 3.5 wrote it (entityType LEASE), expired owner
    const shards = (await aws.kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards!;
    await aws.dynamodb.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          ...toItem({
            ...newLease(shards[0]!, sentinel(SENTINEL.TRIM_HORIZON)),
            leaseOwner: 'java-1',
          }),
        },
      }),
    );
    const a = worker(stream, table);
    await waitFor(() => a.received.length >= 30, { what: '30 records', timeoutMs: 20_000 });
    expect(a.received.map(text).sort()).toEqual(
      Array.from({ length: 30 }, (_, i) => `r${i}`).sort(),
    );
    await a.consumer.shutdown(1_000);
    const items = (await scanAll(table)).filter((i) => !i.leaseKey?.S?.startsWith('shardId-'));
    expect(items.sort(byKey)).toEqual([...others].sort(byKey));
  });

  it('refuses a KCL multi-stream lease table with one line and deletes nothing', async () => {
    const stream = await createStream(1);
    const table = uniqueName('multi');
    const refresher = new LeaseRefresher({ dynamodb: aws.dynamodb, tableName: table });
    await refresher.createTableIfNotExists();
    const keys = [
      '123456789012:orders:1700000000:shardId-000000000000',
      '123456789012:clicks:1700000001:shardId-000000000000',
    ];
    for (const leaseKey of keys) {
      await aws.dynamodb.send(
        new PutItemCommand({
          TableName: table,
          Item: {
            ...toItem({
              ...newLease(
                { ShardId: leaseKey, HashKeyRange: undefined },
                sentinel(SENTINEL.TRIM_HORIZON),
              ),
            }),
            streamName: { S: leaseKey.split(':').slice(0, 3).join(':') },
            shardId: { S: 'shardId-000000000000' },
          },
        }),
      );
    }
    const before = (await scanAll(table)).sort(byKey);
    const a = worker(stream, table);
    await waitFor(() => a.state.error, { what: 'the start-up error' });
    expect(a.state.error?.message).toMatch(
      /^lease table \S+ is a KCL multi-stream table \(lease 123456789012:/,
    );
    expect(a.state.error?.message).not.toMatch(/\n/);
    await a.consumer.shutdown(300);
    expect((await scanAll(table)).sort(byKey)).toEqual(before);
  });

  it('never lets a consumer of another stream take leases from the same table', async () => {
    const [first, other] = [await createStream(2), await createStream(1)];
    const table = uniqueName('shared');
    const a = worker(first, table);
    await waitFor(() => a.consumer.heldLeases().length === 2, {
      what: 'two leases of the first stream',
    });
    const before = (await scanAll(table)).map((i) => i.leaseKey?.S).sort();
    const b = worker(other, table);
    await waitFor(() => b.state.error, { what: 'the start-up error' });
    expect(b.state.error?.message).toMatch(
      new RegExp(`^lease table ${table} holds leases of stream \\S+/${first}, not of ${other}: `),
    );
    expect(b.consumer.heldLeases()).toEqual([]);
    expect((await scanAll(table)).map((i) => i.leaseKey?.S).sort()).toEqual(before);
    expect(a.consumer.heldLeases()).toHaveLength(2);
    await Promise.all([a.consumer.shutdown(500), b.consumer.shutdown(300)]);
  });

  it('reads a lease left at AT_TIMESTAMP from the configured time, and refuses to guess one', async () => {
    const stream = await createStream(1);
    const table = uniqueName('at');
    await putRecords(stream, 0, 3);
    // kinesis-local stamps arrivals to the millisecond (as Kinesis does): 100 ms either side
    // of the start time leaves no tie (it was 1.1 s)
    await new Promise((r) => setTimeout(r, 100));
    const between = new Date();
    await new Promise((r) => setTimeout(r, 100));
    await putRecords(stream, 3, 6);
    const refresher = new LeaseRefresher({ dynamodb: aws.dynamodb, tableName: table });
    await refresher.createTableIfNotExists();
    const shards = (await aws.kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards!;
    await refresher.createLeaseIfNotExists(newLease(shards[0]!, sentinel(SENTINEL.AT_TIMESTAMP)));
    // a worker started without a start time does not read from time 0
    const guess = worker(stream, table);
    await waitFor(() => guess.state.error, { what: 'the start-up error' });
    expect(guess.state.error?.message).toMatch(
      /starts AT_TIMESTAMP but no start time is configured/,
    );
    expect(guess.received).toEqual([]);
    await guess.consumer.shutdown(300);
    const at = worker(stream, table, {
      initialPosition: { type: 'AT_TIMESTAMP', timestamp: between },
    });
    await waitFor(() => at.received.length >= 3, { what: 'records after the start time' });
    await new Promise((r) => setTimeout(r, 300));
    expect(at.received.map(text)).toEqual(['r3', 'r4', 'r5']);
    await at.consumer.shutdown(300);
  });
});
