/**
 * @module bench/producer
 * `npm run bench:producer` — the shardflow producer (with and without KPL aggregation)
 * against a naive `PutRecord`-per-record loop and plain `PutRecords` batches of 500, all
 * against the same emulator in one run: records/s, bytes/s, API calls per 1,000 records and
 * CPU µs per record (of this process: the emulator runs in its own process). Because the
 * emulator dominates wall time, the producer's own CPU cost is also measured against a
 * loopback sink that accepts instantly, next to the floor (UTF-8 encoding of the payload and
 * one MD5 of the partition key per record); `CPU vs 1st` is then the ratio to the floor.
 *
 * Emulator: kinesalite (in-memory, ≈ 15k rec/s; kinesis-local slows down as shards fill,
 * see EMULATORS.md), a fresh 4-shard stream per scenario. Bounded well under 2 minutes.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  CreateStreamCommand,
  KinesisClient,
  PutRecordCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { freePort } from '../localstack/index.js';
import { profiled } from './cpu-profile.js';
import { producerFloors } from './producer-floor.js';
import { FIGURES, machine, table } from './report.js';
import {
  DeviceSimulator,
  KinesisProducer,
  loopbackWriter,
  sdkWriter,
  type KinesisWriter,
} from '../producers/index.js';

const N = Number(process.env.BENCH_RECORDS ?? 5_000);
const LOOPBACK_N = Number(process.env.BENCH_LOOPBACK_RECORDS ?? 50_000);
const SHARDS = 4;
/** `BENCH_LOOPBACK_ONLY=1`: only the loopback table (the producer's own cost), no emulator rows. */
const LOOPBACK_ONLY = process.env.BENCH_LOOPBACK_ONLY === '1';
/** Loopback rows are the least CPU of this many passes (the shared machine is noisy). */
const BEST_OF = Number(process.env.BENCH_BEST_OF ?? 3);
/** False when this bench runs against a tree from before `putMany` (before/after runs). */
const hasPutMany =
  typeof (KinesisProducer.prototype as { putMany?: unknown }).putMany === 'function';

interface Row {
  readonly name: string;
  readonly records: number;
  readonly wallMs: number;
  readonly cpuUs: number;
  readonly calls: number;
  readonly bytes: number;
}

const readings = (n: number) => {
  const out: { partitionKey: string; data: string }[] = [];
  for (const r of new DeviceSimulator({ devices: 100, seed: 3, gapRate: 0 }).readings()) {
    out.push({ partitionKey: r.deviceId, data: JSON.stringify(r) });
    if (out.length >= n) break;
  }
  return out;
};

async function measure(
  name: string,
  records: number,
  bytes: number,
  body: () => Promise<number>,
  repeat = 1,
): Promise<Row> {
  let best: Row | undefined;
  for (let i = 0; i < repeat; i += 1) {
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const calls = await profiled(name, body);
    const wallMs = performance.now() - t0;
    const used = process.cpuUsage(cpu);
    const row = { name, records, wallMs, cpuUs: used.user + used.system, calls, bytes };
    if (!best || row.cpuUs < best.cpuUs) best = row;
  }
  return best!;
}

async function viaProducer(
  writer: KinesisWriter,
  data: ReturnType<typeof readings>,
  aggregate: boolean,
  unlimited = false,
  batch = 0,
) {
  const producer = new KinesisProducer({
    writer,
    aggregate,
    lingerMs: 20,
    maxInFlightCalls: 4,
    // The loopback sink has no shard limits: lift the token buckets to measure pure CPU.
    ...(unlimited ? { recordsPerSecondPerShard: 1e9, bytesPerSecondPerShard: 1e12 } : {}),
  });
  if (batch > 0) {
    // putMany: one promise per `batch` records; it waits for room itself
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < data.length; i += batch) {
      await producer.writable();
      calls.push(producer.putMany(data.slice(i, i + batch)));
    }
    await Promise.all(calls);
  } else {
    for (const r of data) {
      await producer.writable();
      void producer.put(r);
    }
  }
  await producer.close();
  const s = producer.stats();
  if (s.delivered !== data.length) throw new Error(`${s.failed} records failed`);
  return s.calls;
}

async function main(): Promise<void> {
  const require = createRequire(import.meta.url);
  const cli = join(dirname(require.resolve('kinesalite/package.json')), 'cli.js');
  const port = await freePort();
  const emulator = spawn(
    process.execPath,
    [cli, '--port', String(port), '--createStreamMs', '10', '--shardLimit', '100'],
    {
      stdio: 'ignore',
    },
  );
  const client = new KinesisClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    requestHandler: new NodeHttpHandler(),
  });
  try {
    await waitUp(client);
    const data = readings(N);
    const bytes = data.reduce((n, r) => n + Buffer.byteLength(r.data) + r.partitionKey.length, 0);
    let streams = 0;
    const fresh = async () => {
      const name = `bench-${process.pid}-${(streams += 1)}`;
      await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: SHARDS }));
      await new Promise((r) => setTimeout(r, 300));
      return name;
    };
    const rows: Row[] = [];
    if (!LOOPBACK_ONLY) {
      let s = await fresh();
      rows.push(
        await measure('naive PutRecord loop', N, bytes, async () => {
          for (const r of data) {
            await client.send(
              new PutRecordCommand({
                StreamName: s,
                PartitionKey: r.partitionKey,
                Data: Buffer.from(r.data),
              }),
            );
          }
          return N;
        }),
      );
      s = await fresh();
      rows.push(
        await measure('plain PutRecords(500)', N, bytes, async () => {
          let calls = 0;
          for (let i = 0; i < N; i += 500) {
            const out = await client.send(
              new PutRecordsCommand({
                StreamName: s,
                Records: data
                  .slice(i, i + 500)
                  .map((r) => ({ PartitionKey: r.partitionKey, Data: Buffer.from(r.data) })),
              }),
            );
            calls += 1;
            if (out.FailedRecordCount) throw new Error('unexpected failures');
          }
          return calls;
        }),
      );
      s = await fresh();
      rows.push(
        await measure('shardflow, no aggregation', N, bytes, () =>
          viaProducer(sdkWriter(client, s), data, false),
        ),
      );
      s = await fresh();
      rows.push(
        await measure('shardflow, KPL aggregation', N, bytes, () =>
          viaProducer(sdkWriter(client, s), data, true),
        ),
      );
    }

    const big = readings(LOOPBACK_N);
    const bigBytes = big.reduce((n, r) => n + Buffer.byteLength(r.data) + r.partitionKey.length, 0);
    const loop: Row[] = [];
    // The floor rows first (bench/producer-floor.ts), so `CPU vs 1st` reads as a ratio to it.
    for (const floor of producerFloors(big)) {
      loop.push(await measure(floor.name, LOOPBACK_N, bigBytes, floor.body, BEST_OF));
    }
    const sendPerRecord = loop[loop.length - 1]!.cpuUs / LOOPBACK_N;
    loop.push(
      await measure(
        'shardflow, no aggregation, put',
        LOOPBACK_N,
        bigBytes,
        () => viaProducer(loopbackWriter(SHARDS), big, false, true),
        BEST_OF,
      ),
    );
    if (hasPutMany) {
      loop.push(
        await measure(
          'shardflow, no aggregation, putMany(500)',
          LOOPBACK_N,
          bigBytes,
          () => viaProducer(loopbackWriter(SHARDS), big, false, true, 500),
          BEST_OF,
        ),
      );
    }
    loop.push(
      await measure(
        'shardflow, KPL aggregation, put',
        LOOPBACK_N,
        bigBytes,
        () => viaProducer(loopbackWriter(SHARDS), big, true, true),
        BEST_OF,
      ),
    );
    if (hasPutMany) {
      loop.push(
        await measure(
          'shardflow, KPL aggregation, putMany(500)',
          LOOPBACK_N,
          bigBytes,
          () => viaProducer(loopbackWriter(SHARDS), big, true, true, 500),
          BEST_OF,
        ),
      );
    }

    if (rows.length > 0) {
      console.log(
        `\nkinesalite, ${SHARDS} shards, fresh stream each, ${N} device readings (≈${Math.round(bytes / N)} B each)\n`,
      );
      printRows(rows);
    }
    console.log(
      `\nloopback sink (accepts instantly, no I/O, rate limits lifted), ${LOOPBACK_N} readings — the producer's own cost\n`,
    );
    printRows(loop);
    console.log(
      `\n(SDK PutRecords serialisation, ${sendPerRecord.toFixed(2)} µs/record with 500 entries per call, is what a real writer adds per Kinesis record; aggregated, one Kinesis record carries ~250 readings)`,
    );
    console.log(`machine: ${machine()}`);
  } finally {
    client.destroy();
    emulator.kill('SIGTERM');
    setTimeout(() => emulator.kill('SIGKILL'), 2_000).unref();
  }
}

/** The scenarios as a table, ratios to the first row. */
function printRows(rows: readonly Row[]): void {
  const base = rows[0]!;
  const rate = (r: Row) => (r.records * 1000) / r.wallMs;
  const cpu = (r: Row) => r.cpuUs / r.records;
  const head = [
    'scenario',
    'records/s',
    'MB/s',
    'calls/1k rec',
    'CPU µs/rec',
    'speed vs 1st',
    'CPU vs 1st',
  ];
  const lines = rows.map((r) => [
    r.name,
    rate(r).toFixed(0),
    (((r.bytes / r.wallMs) * 1000) / 1e6).toFixed(2),
    ((r.calls * 1000) / r.records).toFixed(2),
    cpu(r).toFixed(1),
    `${(rate(r) / rate(base)).toFixed(1)}×`,
    `${(cpu(r) / cpu(base)).toFixed(2)}×`,
  ]);
  table(head, lines, FIGURES);
}

async function waitUp(client: KinesisClient): Promise<void> {
  const { ListStreamsCommand } = await import('@aws-sdk/client-kinesis');
  for (let i = 0; i < 100; i += 1) {
    try {
      await client.send(new ListStreamsCommand({}));
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error('kinesalite did not start');
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
await main();
