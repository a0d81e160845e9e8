/**
 * @module localstack/firehose/kinesis-source
 * The Kinesis-stream source of a delivery stream (`KinesisStreamAsSource`): reads every
 * shard of the source stream like a consumer and hands its records to the delivery stream.
 * As Firehose does, it starts at the delivery stream's creation time (AT_TIMESTAMP, which
 * is LATEST at creation without the race), de-aggregates KPL records into user records,
 * and after resharding reads a child shard only once its parents are exhausted, so per
 * partition key the archive keeps stream order. Invariant: records are handed over in
 * shard order and a shard's iterator only advances after its records were handed over.
 */
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  type KinesisClient,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { decodeKplAggregate } from '../../adapters/index.js';
import type { Clock, SourceStarter } from './api.js';
import { streamNameOfArn } from './create-input.js';

/** Options of {@link startKinesisSource}. */
export interface KinesisSourceOptions {
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  /** Epoch ms to start reading from (the delivery stream's creation). */
  readonly startAt: number;
  /** Receives the user records of one GetRecords call, in order. */
  readonly deliver: (records: Uint8Array[]) => void;
  /** Pause between polling rounds, ms; default 1,000 (Firehose reads each shard about once a second). */
  readonly pollMs?: number;
  /** Re-lists shards every this many rounds (and when a shard ends). */
  readonly discoverEvery?: number;
}

interface ShardState {
  readonly parents: readonly string[];
  iterator?: string;
  done: boolean;
}

/** User records of one Kinesis record: KPL-aggregated records are split, others kept. */
export function userRecords(data: Uint8Array): Uint8Array[] {
  return decodeKplAggregate(data)?.map((r) => r.data) ?? [data];
}

/** Starts reading; returns a function that stops after the current round. */
export function startKinesisSource(options: KinesisSourceOptions): () => Promise<void> {
  const { kinesis, streamName, startAt, deliver, pollMs = 1_000, discoverEvery = 10 } = options;
  const shards = new Map<string, ShardState>();
  let stopped = false;
  let round = 0;
  let rediscover = true;

  const discover = async () => {
    let token: string | undefined;
    const listed: Shard[] = [];
    do {
      const out = await kinesis.send(
        new ListShardsCommand(token ? { NextToken: token } : { StreamName: streamName }),
      );
      listed.push(...(out.Shards ?? []));
      token = out.NextToken;
    } while (token);
    for (const shard of listed) {
      if (!shard.ShardId || shards.has(shard.ShardId)) continue;
      const parents = [shard.ParentShardId, shard.AdjacentParentShardId].filter(
        (p): p is string => typeof p === 'string',
      );
      shards.set(shard.ShardId, { parents, done: false });
    }
  };

  const readShard = async (shardId: string, state: ShardState) => {
    if (state.parents.some((p) => shards.get(p)?.done === false)) return;
    if (state.iterator === undefined) {
      const it = await kinesis.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shardId,
          ShardIteratorType: 'AT_TIMESTAMP',
          Timestamp: new Date(startAt),
        }),
      );
      state.iterator = it.ShardIterator;
    }
    const out = await kinesis.send(
      new GetRecordsCommand({ ShardIterator: state.iterator, Limit: 1000 }),
    );
    const records = (out.Records ?? []).flatMap((r) => userRecords(r.Data ?? new Uint8Array()));
    if (records.length > 0) deliver(records);
    if (out.NextShardIterator) state.iterator = out.NextShardIterator;
    else {
      state.done = true;
      rediscover = true;
    }
  };

  const loop = (async () => {
    while (!stopped) {
      try {
        if (rediscover || round % discoverEvery === 0) {
          rediscover = false;
          await discover();
        }
        for (const [id, state] of shards) if (!state.done && !stopped) await readShard(id, state);
      } catch {
        // Stream not there yet, throttled or a 5xx: try again next round (Firehose retries too).
        rediscover = true;
      }
      round += 1;
      if (!stopped) await new Promise((r) => setTimeout(r, pollMs));
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

/** A source starter for {@link FirehoseApi}: reads the delivery stream's source with `kinesis`. */
export function kinesisSourceStarter(
  kinesis: KinesisClient,
  clock: Clock,
  pollMs?: number,
): SourceStarter {
  return (stream) =>
    startKinesisSource({
      kinesis,
      streamName: streamNameOfArn(stream.settings.sourceStreamArn ?? ''),
      startAt: stream.settings.createdAt,
      deliver: (records) => stream.accept(records, clock.now()),
      ...(pollMs !== undefined ? { pollMs } : {}),
    });
}
