import { createRequire } from 'node:module';
import { ListShardsCommand, PutRecordCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';

import { PositionSet, type SourceRecord } from '../core/index.js';
import {
  createActiveStream,
  testClients,
  testConfig,
  uniqueName,
  waitFor,
} from '../test/helpers.js';
import { consume } from './consume.js';
import type { ConsumeOptions, ConsumerEvent } from './consume-types.js';
import { LeaseRefresher } from './lease-refresher.js';
import { toItem } from './lease-serializer.js';

const config = testConfig();
const aws = testClients(config);
const agg = createRequire(import.meta.url)('aws-kinesis-agg') as {
  aggregate(
    records: { partitionKey: string; data: Buffer }[],
    onEncoded: (e: { partitionKey: string; data: Buffer }, cb: (err?: Error) => void) => void,
    after: () => void,
    onError: (e: Error) => void,
  ): void;
};

async function createStream(shards: number): Promise<string> {
  const name = uniqueName('consume');
  await createActiveStream(aws.kinesis, name, shards);
  return name;
}

function worker(streamName: string, leaseTableName: string, extra: Partial<ConsumeOptions> = {}) {
  const received: SourceRecord[] = [];
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
  const sub = consumer.batches.subscribe((b) => received.push(...b.records));
  return { consumer, received, sub };
}

const text = (r: SourceRecord) => Buffer.from(r.data).toString();
afterAll(() => aws.destroy());

describe('consume() against the local cloud', () => {
  it('delivers every record with dense ordinals, checkpoints acked prefixes, and restarts after them', async () => {
    const stream = await createStream(2);
    const table = uniqueName('leases');
    await aws.kinesis.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: Array.from({ length: 30 }, (_, i) => ({
          PartitionKey: `k${i}`,
          Data: Buffer.from(`r${i}`),
        })),
      }),
    );
    const a = worker(stream, table);
    await waitFor(() => a.received.length >= 30, { what: '30 records' });
    expect(a.received.map(text).sort()).toEqual(
      Array.from({ length: 30 }, (_, i) => `r${i}`).sort(),
    );
    for (const shard of new Set(a.received.map((r) => r.position.shardId))) {
      const ords = a.received
        .filter((r) => r.position.shardId === shard)
        .map((r) => r.position.ordinal);
      expect(ords).toEqual(ords.map((_, i) => i));
    }
    // ack everything except the last record of each shard; then stop cleanly
    const lastOf = new Map(a.received.map((r) => [r.position.shardId, r]));
    const acked = a.received.filter((r) => lastOf.get(r.position.shardId) !== r);
    a.consumer.ack(PositionSet.of(...acked.map((r) => r.position)));
    await a.consumer.shutdown(2_000);
    const leases = await new LeaseRefresher({
      dynamodb: aws.dynamodb,
      tableName: table,
    }).listLeases();
    expect(leases.every((l) => l.leaseOwner === undefined)).toBe(true); // released
    // a new worker receives exactly the unacked records
    const b = worker(stream, table);
    await waitFor(() => b.received.length >= 2, { what: 'the 2 unacked records' });
    await new Promise((r) => setTimeout(r, 300));
    expect(b.received.map(text).sort()).toEqual([...lastOf.values()].map(text).sort());
    await b.consumer.shutdown(1_000);
  });

  it('checkpoints inside an aggregated record and skips its acked sub-records on restart', async () => {
    const stream = await createStream(1);
    const table = uniqueName('leases');
    const encoded = await new Promise<{ partitionKey: string; data: Buffer }[]>(
      (resolve, reject) => {
        const out: { partitionKey: string; data: Buffer }[] = [];
        const users = Array.from({ length: 6 }, (_, i) => ({
          partitionKey: 'dev',
          data: Buffer.from(`u${i}`),
        }));
        agg.aggregate(
          users,
          (e, cb) => (out.push(e), cb()),
          () => resolve(out),
          reject,
        );
      },
    );
    expect(encoded).toHaveLength(1);
    await aws.kinesis.send(
      new PutRecordCommand({ StreamName: stream, PartitionKey: 'dev', Data: encoded[0]!.data }),
    );
    const a = worker(stream, table);
    await waitFor(() => a.received.length >= 6, { what: '6 user records' });
    expect(a.received.map((r) => r.position.subSequenceNumber)).toEqual([0, 1, 2, 3, 4, 5]);
    a.consumer.ack(PositionSet.of(...a.received.slice(0, 4).map((r) => r.position)));
    await a.consumer.shutdown(1_000);
    const [lease] = await new LeaseRefresher({
      dynamodb: aws.dynamodb,
      tableName: table,
    }).listLeases();
    expect(lease?.checkpoint.subSequenceNumber).toBe(3);
    const b = worker(stream, table);
    await waitFor(() => b.received.length >= 2, { what: 'the rest of the aggregate' });
    expect(b.received.map(text)).toEqual(['u4', 'u5']);
    await b.consumer.shutdown(1_000);
  });

  it('takes over a lease table written by a Java KCL 2.x application and resumes after its checkpoints', async () => {
    const stream = await createStream(1);
    const table = uniqueName('leases');
    const put = await aws.kinesis.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: Array.from({ length: 10 }, (_, i) => ({
          PartitionKey: 'k',
          Data: Buffer.from(`r${i}`),
        })),
      }),
    );
    const shards = await aws.kinesis.send(new ListShardsCommand({ StreamName: stream }));
    const refresher = new LeaseRefresher({ dynamodb: aws.dynamodb, tableName: table });
    await refresher.createTableIfNotExists();
    // exactly the attributes a KCL 2.x worker writes (no 3.x fields), owned by a dead Java worker
    const { entityType: _kcl3only, ...kcl2 } = toItem({
      leaseKey: shards.Shards![0]!.ShardId!,
      leaseOwner: 'java-worker-1',
      leaseCounter: 1234,
      checkpoint: { sequenceNumber: put.Records![6]!.SequenceNumber!, subSequenceNumber: 0 },
      ownerSwitchesSinceCheckpoint: 0,
      parentShardIds: [],
      childShardIds: [],
    });
    await aws.dynamodb.send(new PutItemCommand({ TableName: table, Item: kcl2 }));
    const a = worker(stream, table);
    await waitFor(() => a.received.length >= 3, {
      what: 'records after the KCL checkpoint',
      timeoutMs: 15_000,
    });
    expect(a.received.map(text)).toEqual(['r7', 'r8', 'r9']);
    await a.consumer.shutdown(1_000);
    const [lease] = await refresher.listLeases();
    expect(lease?.ownerSwitchesSinceCheckpoint).toBe(1);
    expect(lease?.leaseCounter).toBeGreaterThan(1234);
  });

  it('stops fetching while unacknowledged records exceed the bound', async () => {
    const stream = await createStream(1);
    const table = uniqueName('leases');
    await aws.kinesis.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: Array.from({ length: 20 }, (_, i) => ({
          PartitionKey: 'k',
          Data: Buffer.from(`r${i}`),
        })),
      }),
    );
    const a = worker(stream, table, {
      maxUnackedPerShard: 5,
      retrieval: { type: 'polling', limit: 5, idleTimeMs: 20 },
    });
    await waitFor(() => a.received.length >= 5, { what: 'first page' });
    await new Promise((r) => setTimeout(r, 500));
    expect(a.received).toHaveLength(5);
    a.consumer.ack(PositionSet.of(...a.received.map((r) => r.position)));
    await waitFor(() => a.received.length >= 10, { what: 'second page after acks' });
    await a.consumer.shutdown(500);
  });

  it('reads with enhanced fan-out', async () => {
    const stream = await createStream(2);
    const table = uniqueName('leases');
    await aws.kinesis.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: Array.from({ length: 12 }, (_, i) => ({
          PartitionKey: `k${i}`,
          Data: Buffer.from(`r${i}`),
        })),
      }),
    );
    const a = worker(stream, table, { retrieval: { type: 'fanout', consumerName: 'efo-test' } });
    await waitFor(() => a.received.length >= 12, { what: '12 records via fan-out' });
    expect(new Set(a.received.map(text)).size).toBe(12);
    await a.consumer.shutdown(1_000);
  });
  it('warns when a shard stalls: unacknowledged records and no ack progress', async () => {
    const stream = await createStream(1);
    const table = uniqueName('leases');
    await aws.kinesis.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: [{ PartitionKey: 'k', Data: Buffer.from('never acked') }],
      }),
    );
    const events: ConsumerEvent[] = [];
    const a = worker(stream, table, { stallAfterMs: 400, onEvent: (e) => events.push(e) });
    await waitFor(() => events.some((e) => e.type === 'shard.stalled'), {
      what: 'a stall warning',
    });
    expect(events.find((e) => e.type === 'shard.stalled')).toMatchObject({ reason: 'no-acks' });
    const [status] = a.consumer.shards();
    expect(status).toMatchObject({ state: 'processing', unacked: 1 });
    expect(status?.lastRecordAt).toBeDefined();
    await a.consumer.shutdown(300);
  });
  it('starts new shards at LATEST or AT_TIMESTAMP', async () => {
    const stream = await createStream(1);
    const put = (from: number, to: number) =>
      aws.kinesis.send(
        new PutRecordsCommand({
          StreamName: stream,
          Records: Array.from({ length: to - from }, (_, i) => ({
            PartitionKey: 'k',
            Data: Buffer.from(`r${from + i}`),
          })),
        }),
      );
    await put(0, 3);
    // kinesis-local stamps arrivals to the millisecond (as Kinesis does): 100 ms either side
    // of the start time leaves no tie (it was 1.1 s)
    await new Promise((r) => setTimeout(r, 100));
    const between = new Date();
    await new Promise((r) => setTimeout(r, 100));
    await put(3, 6);
    const at = worker(stream, uniqueName('leases'), {
      initialPosition: { type: 'AT_TIMESTAMP', timestamp: between },
    });
    const latest = worker(stream, uniqueName('leases'), { initialPosition: { type: 'LATEST' } });
    await waitFor(
      () => at.received.length >= 3 && latest.consumer.shards()[0]?.lastReadAt !== undefined,
      {
        what: 'AT_TIMESTAMP records and LATEST processing',
      },
    );
    await new Promise((r) => setTimeout(r, 300));
    await put(6, 8);
    await waitFor(() => latest.received.length >= 2 && at.received.length >= 5, {
      what: 'new records',
    });
    expect(at.received.map(text)).toEqual(['r3', 'r4', 'r5', 'r6', 'r7']);
    expect(latest.received.map(text)).toEqual(['r6', 'r7']);
    await Promise.all([at.consumer.shutdown(300), latest.consumer.shutdown(300)]);
  });
});
