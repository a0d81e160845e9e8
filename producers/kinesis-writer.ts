/**
 * @module producers/kinesis-writer
 * The thin I/O edge of the producer: the three Kinesis calls it makes, behind an interface
 * so the producer logic is independent of the SDK (its errors are classified by the one
 * classifier, `adapters/aws-errors`). {@link sdkWriter} talks to Kinesis (or an
 * emulator) through an injected SDK client; {@link loopbackWriter} accepts everything at
 * once, for measuring the producer's own CPU cost.
 */
import {
  ListShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { ShardMap, hashKeyOf, type ShardDescription } from './shard-map.js';

/** One entry of a put call, as it goes on the wire. */
export interface WireEntry {
  readonly partitionKey: string;
  readonly explicitHashKey?: string;
  readonly data: Uint8Array;
}

/** The outcome of one entry: where it landed, or why it failed. */
export type EntryOutcome =
  | { readonly ok: true; readonly shardId: string; readonly sequenceNumber: string }
  | { readonly ok: false; readonly errorCode: string; readonly errorMessage?: string };

/** The Kinesis operations the producer needs. */
export interface KinesisWriter {
  /** Every shard of the stream (open and closed), following pagination. */
  listShards(): Promise<ShardDescription[]>;
  /** One `PutRecords` call; outcomes in entry order. Throws on a whole-call failure. */
  putRecords(entries: readonly WireEntry[]): Promise<EntryOutcome[]>;
  /** One `PutRecord` call with optional `SequenceNumberForOrdering`. */
  putRecord(
    entry: WireEntry,
    sequenceNumberForOrdering?: string,
  ): Promise<{ shardId: string; sequenceNumber: string }>;
}

/** A writer for `streamName` through an SDK client created by `adapters/createAwsClients`. */
export function sdkWriter(client: KinesisClient, streamName: string): KinesisWriter {
  return {
    async listShards() {
      const shards: ShardDescription[] = [];
      let token: string | undefined;
      do {
        const out = await client.send(
          new ListShardsCommand(token ? { NextToken: token } : { StreamName: streamName }),
        );
        shards.push(...(out.Shards ?? []));
        token = out.NextToken;
      } while (token);
      return shards;
    },
    async putRecords(entries) {
      const out = await client.send(
        new PutRecordsCommand({
          StreamName: streamName,
          Records: entries.map((e) => ({
            PartitionKey: e.partitionKey,
            Data: e.data,
            ...(e.explicitHashKey === undefined ? {} : { ExplicitHashKey: e.explicitHashKey }),
          })),
        }),
      );
      const records = out.Records ?? [];
      return entries.map((_, i): EntryOutcome => {
        const r = records[i];
        if (r?.ShardId && r.SequenceNumber && !r.ErrorCode) {
          return { ok: true, shardId: r.ShardId, sequenceNumber: r.SequenceNumber };
        }
        return {
          ok: false,
          errorCode: r?.ErrorCode ?? 'MissingResult',
          ...(r?.ErrorMessage ? { errorMessage: r.ErrorMessage } : {}),
        };
      });
    },
    async putRecord(entry, sequenceNumberForOrdering) {
      const out = await client.send(
        new PutRecordCommand({
          StreamName: streamName,
          PartitionKey: entry.partitionKey,
          Data: entry.data,
          ...(entry.explicitHashKey === undefined
            ? {}
            : { ExplicitHashKey: entry.explicitHashKey }),
          ...(sequenceNumberForOrdering === undefined
            ? {}
            : { SequenceNumberForOrdering: sequenceNumberForOrdering }),
        }),
      );
      return { shardId: out.ShardId ?? 'unknown', sequenceNumber: out.SequenceNumber ?? '0' };
    },
  };
}

/**
 * A writer that accepts every record at once without I/O, over a fixed set of evenly
 * split shards: isolates the producer's own CPU cost in benchmarks and tests.
 */
export function loopbackWriter(shardCount = 4): KinesisWriter & { calls: number; records: number } {
  const span = (1n << 128n) / BigInt(shardCount);
  const shards: ShardDescription[] = Array.from({ length: shardCount }, (_, i) => ({
    ShardId: `shardId-${String(i).padStart(12, '0')}`,
    HashKeyRange: {
      StartingHashKey: String(span * BigInt(i)),
      EndingHashKey: String(i === shardCount - 1 ? (1n << 128n) - 1n : span * BigInt(i + 1) - 1n),
    },
  }));
  const map = ShardMap.fromShards(shards);
  const shardOf = (e: WireEntry) => map.shardFor(hashKeyOf(e)) ?? 'unknown';
  let sequence = 0;
  const writer = {
    calls: 0,
    records: 0,
    listShards: async () => shards,
    async putRecords(entries: readonly WireEntry[]): Promise<EntryOutcome[]> {
      writer.calls += 1;
      writer.records += entries.length;
      return entries.map((e) => ({
        ok: true,
        shardId: shardOf(e),
        sequenceNumber: String((sequence += 1)),
      }));
    },
    async putRecord(entry: WireEntry) {
      writer.calls += 1;
      writer.records += 1;
      return { shardId: shardOf(entry), sequenceNumber: String((sequence += 1)) };
    },
  };
  return writer;
}
