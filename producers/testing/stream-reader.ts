/**
 * @module producers/testing/stream-reader
 * Test and benchmark support: creates a fresh stream on the local cloud and reads every
 * record of every shard (open and closed) back from TRIM_HORIZON, deaggregating with the
 * KPL codec (`adapters/kpl-decoder.ts`, itself checked against `aws-kinesis-agg`), so tests
 * can prove that nothing was lost or duplicated.
 */
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { deaggregate, type DeaggregatedRecord } from '../aggregation.js';
import { ShardMap, hashKeyOf, type ShardDescription } from '../shard-map.js';

/** A user record read back, with the shard it was read from. */
export interface ReadBack extends DeaggregatedRecord {
  readonly shardId: string;
  /** Whether its hash key lies in the range of the shard it was read from. */
  readonly inRange: boolean;
}

/** Creates a stream and waits until it is ACTIVE. */
export async function createStream(
  client: KinesisClient,
  name: string,
  shards: number,
): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  for (let i = 0; i < 300; i += 1) {
    const out = await client
      .send(new ListShardsCommand({ StreamName: name }))
      .catch(() => undefined);
    if (out?.Shards?.length === shards) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`stream ${name} did not become ready`);
}

/** Every shard of a stream. */
export async function listAllShards(
  client: KinesisClient,
  name: string,
): Promise<ShardDescription[]> {
  const out = await client.send(new ListShardsCommand({ StreamName: name }));
  return out.Shards ?? [];
}

/** Reads every user record of every shard of `name` from the beginning. */
export async function readAll(client: KinesisClient, name: string): Promise<ReadBack[]> {
  const shards = await listAllShards(client, name);
  const out: ReadBack[] = [];
  for (const shard of shards) {
    const shardId = shard.ShardId!;
    const range = ShardMap.fromShards([{ ShardId: shardId, HashKeyRange: shard.HashKeyRange }]);
    let { ShardIterator: iterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: name,
        ShardId: shardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    while (iterator) {
      const page = await client.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }),
      );
      for (const r of page.Records ?? []) {
        for (const user of deaggregate({
          partitionKey: r.PartitionKey!,
          sequenceNumber: r.SequenceNumber!,
          data: r.Data!,
        })) {
          out.push({ ...user, shardId, inRange: range.shardFor(hashKeyOf(user)) === shardId });
        }
      }
      const done = (page.Records?.length ?? 0) === 0 && (page.MillisBehindLatest ?? 0) === 0;
      iterator = done ? undefined : page.NextShardIterator;
    }
  }
  return out;
}
