/**
 * @module chaos/reshard
 * SplitShard and MergeShards on the stream under test, through the SDK like an operator's
 * script: split the widest open shard at its middle, merge the last two adjacent open shards
 * by hash order, then wait until the stream is ACTIVE and name the new shards.
 */
import {
  ListShardsCommand,
  MergeShardsCommand,
  SplitShardCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';
import type { AwsClients } from '../adapters/index.js';
import { waitStreamActive } from '../localstack/index.js';
import type { Reshard } from './timing.js';

/** Every shard of the stream (open and closed). */
export async function listShards(aws: AwsClients, streamName: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let token: string | undefined;
  do {
    const out = await aws.kinesis.send(
      new ListShardsCommand(token ? { NextToken: token } : { StreamName: streamName }),
    );
    shards.push(...(out.Shards ?? []));
    token = out.NextToken;
  } while (token);
  return shards;
}

const open = (shards: readonly Shard[]) =>
  shards
    .filter((s) => !s.SequenceNumberRange?.EndingSequenceNumber)
    .sort((a, b) =>
      BigInt(a.HashKeyRange?.StartingHashKey ?? 0) < BigInt(b.HashKeyRange?.StartingHashKey ?? 0)
        ? -1
        : 1,
    );
const width = (s: Shard) =>
  BigInt(s.HashKeyRange?.EndingHashKey ?? 0) - BigInt(s.HashKeyRange?.StartingHashKey ?? 0);

async function newShards(
  aws: AwsClients,
  streamName: string,
  before: readonly Shard[],
): Promise<string[]> {
  await waitStreamActive(aws, streamName);
  const known = new Set(before.map((s) => s.ShardId));
  return (await listShards(aws, streamName))
    .filter((s) => !known.has(s.ShardId))
    .map((s) => s.ShardId as string);
}

/** Splits the widest open shard in two equal halves. */
export async function splitWidest(aws: AwsClients, streamName: string): Promise<Reshard> {
  const before = await listShards(aws, streamName);
  const parent = open(before).reduce((a, b) => (width(b) > width(a) ? b : a));
  const start = BigInt(parent.HashKeyRange?.StartingHashKey ?? 0);
  const at = Date.now();
  await aws.kinesis.send(
    new SplitShardCommand({
      StreamName: streamName,
      ShardToSplit: parent.ShardId,
      NewStartingHashKey: String(start + width(parent) / 2n + 1n),
    }),
  );
  const children = await newShards(aws, streamName, before);
  return { kind: 'split', at, parents: [parent.ShardId as string], children };
}

/** Merges the last two adjacent open shards (by hash order). */
export async function mergeLastTwo(aws: AwsClients, streamName: string): Promise<Reshard> {
  const before = await listShards(aws, streamName);
  const list = open(before);
  const [a, b] = list.slice(-2) as [Shard, Shard];
  const at = Date.now();
  await aws.kinesis.send(
    new MergeShardsCommand({
      StreamName: streamName,
      ShardToMerge: a.ShardId,
      AdjacentShardToMerge: b.ShardId,
    }),
  );
  const children = await newShards(aws, streamName, before);
  return { kind: 'merge', at, parents: [a.ShardId as string, b.ShardId as string], children };
}
