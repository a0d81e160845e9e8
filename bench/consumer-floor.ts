/**
 * @module bench/consumer-floor
 * The per-record floor of a Kinesis consumer on this machine, measured without I/O on a
 * canned `GetRecords` response holding the bench's own payloads: what the SDK's
 * deserialisation costs, what reading the same bytes costs at the least (`JSON.parse` +
 * base64), shardflow's lean reader of it, KPL de-aggregation and shardflow's per-read record
 * building, and `JSON.parse` of each payload (the operators' first step, not the consumer's).
 * Fan-out rows do the same for `SubscribeToShard`: the same records as event-stream messages
 * of `perEvent` records each, decoded by the SDK and by shardflow's lean reader.
 */
import { crc32 } from 'node:zlib';
import {
  GetRecordsCommand,
  KinesisClient,
  SubscribeToShardCommand,
  type SubscribeToShardCommandOutput,
  type _Record,
} from '@aws-sdk/client-kinesis';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { KplAggregate, decodeKplAggregate } from '../adapters/index.js';
import * as consumers from '../consumers/index.js';
import { cannedEventStream, cannedKinesis } from './canned-kinesis.js';

/** Present from issue 16 on; absent when this bench runs against an older tree (before/after). */
const lean = consumers as Partial<{
  getRecords: (
    k: KinesisClient,
    i: { ShardIterator: string; Limit?: number },
  ) => Promise<{ Records?: _Record[] }>;
  toSourceRecords: (shardId: string, records: readonly _Record[], first: number) => unknown[];
  subscribeToShard: (
    k: KinesisClient,
    i: SubscribeToShardCommand['input'],
  ) => Promise<SubscribeToShardCommandOutput>;
}>;

/** One floor row: CPU µs per record. */
export interface FloorRow {
  readonly name: string;
  readonly usPerRecord: number;
}

const cpuNow = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

async function time(records: number, reps: number, body: () => unknown): Promise<number> {
  for (let i = 0; i < 3; i += 1) await body(); // warm up
  const t0 = cpuNow();
  for (let i = 0; i < reps; i += 1) await body();
  return (cpuNow() - t0) / (records * reps);
}

/** Measures the floor rows on `perCall` records like `payload(i)` per GetRecords response. */
export async function consumerFloor(
  payload: (i: number) => string,
  perCall = 2_000,
): Promise<FloorRow[]> {
  const wire = JSON.stringify({
    MillisBehindLatest: 0,
    NextShardIterator: 'AAAAAAAAAAH'.padEnd(200, 'x'),
    Records: Array.from({ length: perCall }, (_, i) => ({
      SequenceNumber: String(
        49_650_000_000_000_000_000_000_000_000_000_000_000_000_000_000n + BigInt(i),
      ),
      ApproximateArrivalTimestamp: 1_764_400_000.123 + i / 1000,
      Data: Buffer.from(payload(i)).toString('base64'),
      PartitionKey: `device-${i % 64}`,
    })),
  });
  const bytes = Buffer.from(wire);
  const client = cannedKinesis(bytes);
  const reps = 20;
  const rows: FloorRow[] = [];
  const row = async (name: string, n: number, r: number, body: () => unknown) =>
    rows.push({ name, usPerRecord: await time(n, r, body) });
  await row('JSON.parse + base64 of the response (reading it at all)', perCall, reps, () => {
    const o = JSON.parse(bytes.toString('utf8')) as { Records: { Data: string }[] };
    let n = 0;
    for (const r of o.Records) n += Buffer.from(r.Data, 'base64').length;
    return n;
  });
  await row('SDK GetRecords deserialisation (send, canned response)', perCall, reps, () =>
    client.send(new GetRecordsCommand({ ShardIterator: 'x', Limit: 10_000 })),
  );
  const { getRecords, toSourceRecords } = lean;
  if (getRecords) {
    await row('shardflow lean GetRecords reader (same send)', perCall, reps, () =>
      getRecords(client, { ShardIterator: 'x', Limit: 10_000 }),
    );
  }
  const decoded = (await client.send(new GetRecordsCommand({ ShardIterator: 'x' })))
    .Records as _Record[];
  if (toSourceRecords) {
    await row('shardflow per-read records (toSourceRecords, plain)', perCall, reps * 5, () =>
      toSourceRecords('shardId-0', decoded, 0),
    );
  }
  const agg = new KplAggregate();
  let k = 0;
  while (agg.tryAdd({ partitionKey: `device-${k % 64}`, data: Buffer.from(payload(k)) })) k += 1;
  const aggregated = [{ SequenceNumber: '1', PartitionKey: 'a', Data: agg.encode() }];
  await row(`KPL de-aggregation (decode, ${k} per aggregate)`, k, reps * 20, () =>
    decodeKplAggregate(aggregated[0]!.Data),
  );
  if (toSourceRecords) {
    await row('shardflow per-read records (toSourceRecords, aggregated)', k, reps * 20, () =>
      toSourceRecords('shardId-0', aggregated, 0),
    );
  }
  rows.push(...(await fanOutFloor(bytes, perCall)));
  const datas = decoded.map((r) => r.Data as Uint8Array);
  await row('JSON.parse of each payload (operators, not consumer)', perCall, reps, () => {
    let n = 0;
    for (const d of datas) n += (JSON.parse(Buffer.from(d).toString('utf8')) as object) ? 1 : 0;
    return n;
  });
  client.destroy();
  return rows;
}

const SUBSCRIBE_INPUT = {
  ConsumerARN: 'arn:aws:kinesis:us-east-1:1:stream/s/consumer/c:1',
  ShardId: 'shardId-000000000000',
  StartingPosition: { Type: 'TRIM_HORIZON' as const },
};

/** Records delivered by one subscription's event stream (all of it). */
async function drain(out: SubscribeToShardCommandOutput): Promise<number> {
  let n = 0;
  for await (const e of out.EventStream ?? []) n += e.SubscribeToShardEvent?.Records?.length ?? 0;
  return n;
}

/**
 * Fan-out rows: the records of the `GetRecords` body `wire` as `SubscribeToShard` event-stream
 * messages of `perEvent` records each (after an initial response), read at the least
 * (`JSON.parse` + base64 of each payload), checksummed, and decoded by the SDK and by the lean
 * reader through `send` on a canned stream.
 */
async function fanOutFloor(wire: Buffer, perCall: number, perEvent = 100): Promise<FloorRow[]> {
  const records = (JSON.parse(wire.toString('utf8')) as { Records: object[] }).Records;
  const codec = new EventStreamCodec(
    (b) => Buffer.from(b).toString('utf8'),
    (t) => Buffer.from(t, 'utf8'),
  );
  const message = (type: string, body: string) =>
    codec.encode({
      headers: {
        ':message-type': { type: 'string', value: 'event' },
        ':event-type': { type: 'string', value: type },
        ':content-type': { type: 'string', value: 'application/json' },
      },
      body: Buffer.from(body, 'utf8'),
    });
  const payloads: string[] = [];
  for (let at = 0; at < records.length; at += perEvent) {
    payloads.push(
      JSON.stringify({
        Records: records.slice(at, at + perEvent),
        ContinuationSequenceNumber: String(49_650_000_000_000_000_000_000n + BigInt(at)),
        MillisBehindLatest: 0,
      }),
    );
  }
  const messages = [
    message('initial-response', '{}'),
    ...payloads.map((p) => message('SubscribeToShardEvent', p)),
  ];
  const stream = Buffer.concat(messages);
  const client = cannedEventStream(stream);
  const reps = 20;
  const rows: FloorRow[] = [];
  const row = async (name: string, body: () => unknown) =>
    rows.push({ name: `fan-out: ${name}`, usPerRecord: await time(perCall, reps, body) });
  const bodies = payloads.map((p) => Buffer.from(p, 'utf8'));
  await row(
    `JSON.parse + base64 of the event payloads (reading them at all; ${perEvent} per event)`,
    () => {
      let n = 0;
      for (const b of bodies) {
        const o = JSON.parse(b.toString('utf8')) as { Records: { Data: string }[] };
        for (const r of o.Records) n += Buffer.from(r.Data, 'base64').length;
      }
      return n;
    },
  );
  await row('CRC32 of every message (node:zlib, as the SDK on Node)', () => {
    let n = 0;
    for (const m of messages) n ^= crc32(m);
    return n;
  });
  await row('SDK SubscribeToShard event-stream decoding (send + drain, canned)', async () =>
    drain(await client.send(new SubscribeToShardCommand(SUBSCRIBE_INPUT))),
  );
  // the call's own cost (signing, middleware, event-stream set-up), whatever reads the events
  const empty = cannedEventStream(messages[0] as Uint8Array);
  await row('SubscribeToShard call alone (initial response only), per record of a call', async () =>
    drain(await empty.send(new SubscribeToShardCommand(SUBSCRIBE_INPUT))),
  );
  empty.destroy();
  const { subscribeToShard } = lean;
  if (subscribeToShard) {
    await row('shardflow lean SubscribeToShard reader (same send + drain)', async () =>
      drain(await subscribeToShard(client, SUBSCRIBE_INPUT)),
    );
  }
  client.destroy();
  return rows;
}
