/**
 * @module bench/consumer-floor
 * The per-record floor of a Kinesis consumer on this machine, measured without I/O on a
 * canned `GetRecords` response holding the bench's own payloads: what the SDK's
 * deserialisation costs, what reading the same bytes costs at the least (`JSON.parse` +
 * base64), shardflow's lean reader of it, KPL de-aggregation and shardflow's per-read record
 * building, and `JSON.parse` of each payload (the operators' first step, not the consumer's).
 */
import { GetRecordsCommand, KinesisClient, type _Record } from '@aws-sdk/client-kinesis';
import { KplAggregate, decodeKplAggregate } from '../adapters/index.js';
import * as consumers from '../consumers/index.js';
import { cannedKinesis } from './canned-kinesis.js';

/** Present from issue 16 on; absent when this bench runs against an older tree (before/after). */
const lean = consumers as Partial<{
  getRecords: (
    k: KinesisClient,
    i: { ShardIterator: string; Limit?: number },
  ) => Promise<{ Records?: _Record[] }>;
  toSourceRecords: (shardId: string, records: readonly _Record[], first: number) => unknown[];
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
  const datas = decoded.map((r) => r.Data as Uint8Array);
  await row('JSON.parse of each payload (operators, not consumer)', perCall, reps, () => {
    let n = 0;
    for (const d of datas) n += (JSON.parse(Buffer.from(d).toString('utf8')) as object) ? 1 : 0;
    return n;
  });
  client.destroy();
  return rows;
}
