/**
 * Resharding while consuming: split a shard, then merge its two children. Every record is
 * delivered once and, per partition key, in production order across parent and children
 * (children are read only after their parents reached SHARD_END).
 */
import {
  ListShardsCommand,
  MergeShardsCommand,
  PutRecordsCommand,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import {
  createActiveStream,
  streamActive,
  testClients,
  testConfig,
  uniqueName,
  waitFor,
} from '../test/helpers.js';
import { consume } from './consume.js';
import { LeaseRefresher } from './lease-refresher.js';
import type { SourceRecord } from '../core/index.js';

const config = testConfig();
const aws = testClients(config);
afterAll(() => aws.destroy());

const active = (stream: string) => streamActive(aws.kinesis, stream);

const KEYS = 10;
async function produce(stream: string, from: number, to: number): Promise<void> {
  const records = [];
  for (let n = from; n < to; n += 1) {
    for (let k = 0; k < KEYS; k += 1)
      records.push({ PartitionKey: `key-${k}`, Data: Buffer.from(`${k}:${n}`) });
  }
  await aws.kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: records }));
}

it.each([
  ['while consuming', true],
  ['before the consumer starts (children race their parents)', false],
])('split and merge %s keep per-key order and lose nothing', async (_name, startFirst) => {
  const stream = uniqueName('reshard');
  const table = uniqueName('leases');
  await createActiveStream(aws.kinesis, stream, 2);
  const received: SourceRecord[] = [];
  const make = () =>
    consume({
      kinesis: aws.kinesis,
      dynamodb: aws.dynamodb,
      streamName: stream,
      leaseTableName: table,
      workerId: 'w1',
      failoverTimeMs: 1_500,
      takeIntervalMs: 250,
      shardSyncIntervalMs: 500,
      checkpointIntervalMs: 200,
      retrieval: { type: 'polling', idleTimeMs: 50 },
    });
  let consumer: ReturnType<typeof consume> | undefined;
  const run = () => {
    const c = make();
    c.batches.subscribe((b) => {
      received.push(...b.records);
      c.ack(b.positions);
    });
    return c;
  };
  if (startFirst) consumer = run();
  await produce(stream, 0, 5);
  if (startFirst) await waitFor(() => received.length >= 5 * KEYS, { what: 'first records' });

  const [first] =
    (await aws.kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
  const start = BigInt(first!.HashKeyRange!.StartingHashKey!);
  const end = BigInt(first!.HashKeyRange!.EndingHashKey!);
  await aws.kinesis.send(
    new SplitShardCommand({
      StreamName: stream,
      ShardToSplit: first!.ShardId!,
      NewStartingHashKey: ((start + end) / 2n).toString(),
    }),
  );
  await active(stream);
  await produce(stream, 5, 10);
  const children = (
    (await aws.kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? []
  ).filter((s) => s.ParentShardId === first!.ShardId);
  expect(children).toHaveLength(2);
  await aws.kinesis.send(
    new MergeShardsCommand({
      StreamName: stream,
      ShardToMerge: children[0]!.ShardId!,
      AdjacentShardToMerge: children[1]!.ShardId!,
    }),
  );
  await active(stream);
  await produce(stream, 10, 15);
  consumer ??= run();

  await waitFor(() => received.length >= 15 * KEYS, { what: 'all records', timeoutMs: 40_000 });
  // finished leases are cleaned up as the KCL does, parents first, once their children
  // started: only the untouched shard and the merged child remain, and no cleaned-up
  // parent is re-created by a later sync (it would be read again)
  const refresher = new LeaseRefresher({ dynamodb: aws.dynamodb, tableName: table });
  const merged = (
    (await aws.kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? []
  ).find((s) => s.AdjacentParentShardId !== undefined);
  const remaining = async () => (await refresher.listLeases()).map((l) => l.leaseKey).sort();
  await waitFor(async () => (await remaining()).length === 2, {
    what: 'finished leases cleaned up',
    timeoutMs: 15_000,
  });
  await new Promise((r) => setTimeout(r, 1_200)); // two more sync cycles
  expect(await remaining()).not.toContain(first!.ShardId);
  expect(await remaining()).toContain(merged!.ShardId);
  expect(await remaining()).toHaveLength(2);
  await consumer.shutdown(2_000);

  const texts = received.map((r) => Buffer.from(r.data).toString());
  expect(texts).toHaveLength(15 * KEYS);
  expect(new Set(texts).size).toBe(15 * KEYS);
  for (let k = 0; k < KEYS; k += 1) {
    const ns = texts.filter((t) => t.startsWith(`${k}:`)).map((t) => Number(t.split(':')[1]));
    expect(ns).toEqual(Array.from({ length: 15 }, (_, i) => i));
  }
  expect(received.length).toBe(15 * KEYS); // nothing read twice after the clean-up
});
