/**
 * @module bench/e2e
 * End-to-end pipeline benchmark on the embedded local cloud (kinesis-local, dynalite, s3rver,
 * Firehose emulator): device and household readings are put into a 2-shard stream while one
 * in-process worker (`consume()` + `runPipeline`, both pipelines) scores, forecasts and writes
 * them. Reports, per polling idle time, the latency from putting the record that releases a
 * window's result (the first record two event-minutes later: the window fires at the next
 * minute's watermark, and resample emits a point when the following one arrives) to that
 * window's item being durable in every sink (p50/p99), and records/s of a max-speed run;
 * then the same with two in-process workers sharing the leases, side by side.
 * Bounded: about a minute plus the local cloud's start. Run: `npm run bench:e2e`.
 */
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createAwsClients } from '../adapters/index.js';
import { consume } from '../consumers/index.js';
import { loadConfig, resourcesFor } from '../core/index.js';
import {
  bootstrapResources,
  withoutRawArchive,
  LOCAL_CREDENTIALS,
  startLocalCloud,
} from '../localstack/index.js';
import { deviceSpec } from '../pipelines/devices/index.js';
import { householdSpec } from '../pipelines/households/index.js';
import { createPipeline, createResultSinks, runPipeline } from '../pipelines/runtime/index.js';
import { createS3SnapshotStore } from '../pipelines/state/index.js';
import { FIGURES, table } from './report.js';

const KEYS = [...Array.from({ length: 8 }, (_, i) => `dev-${i}`), 'h-1', 'h-2'];
const T0 = Date.UTC(2026, 10, 23, 0, 0, 0);
const MIN = 60_000;

function reading(key: string, minute: number): string {
  const w = Math.sin(minute / 5 + key.length);
  const ts = new Date(T0 + minute * MIN + 10_000).toISOString();
  return JSON.stringify(
    key.startsWith('dev')
      ? {
          kind: 'device',
          deviceId: key,
          ts,
          readings: {
            iaq: 60 + 3 * w,
            temperature: 21,
            humidity: 40 + w,
            voc: 0.5,
            pressure: 1013,
            co2: 600 + 9 * w,
          },
        }
      : {
          kind: 'household',
          householdId: key,
          ts,
          readings: {
            globalActivePower: 1 + w / 5,
            globalReactivePower: 0.1,
            voltage: 236,
            globalIntensity: 5,
            subMetering1: 0,
            subMetering2: 1,
            subMetering3: 17,
          },
        },
  );
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};

interface Row {
  name: string;
  records: number;
  windows: number;
  p50: number;
  p99: number;
  rps: number;
}

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const cloud = await startLocalCloud({ bootstrap: false });
Object.assign(process.env, LOCAL_CREDENTIALS, cloud.env);
async function run(
  name: string,
  idleTimeMs: number,
  minutes: number,
  paceMs: number,
  perCall = 1,
  workers = 1,
): Promise<Row> {
  const config = loadConfig(
    { ...process.env, ...cloud.env },
    { app: `bench-e2e-${Date.now()}`, shardCount: 2 },
  );
  const aws = createAwsClients(config);
  const resources = resourcesFor(config);
  await bootstrapResources(aws, withoutRawArchive(resources), { deliveryStreams: true });
  const durableAt = new Map<string, number>();
  // `workers` in-process workers share the lease table and balance the shards between them
  const running = Array.from({ length: workers }, (_, i) =>
    runPipeline({
      consumer: consume({
        kinesis: aws.kinesis,
        dynamodb: aws.dynamodb,
        streamName: config.streamName,
        leaseTableName: config.leaseTableName,
        workerId: `bench-${i}`,
        failoverTimeMs: 2_000,
        retrieval: { type: 'polling', idleTimeMs },
      }),
      sinks: createResultSinks({ aws, config }),
      store: createS3SnapshotStore({ s3: aws.s3, bucket: config.bucketName }),
      maxWaitMs: 100,
      pipeline: (ctx) => createPipeline([deviceSpec(), householdSpec()], ctx),
      onEvent: (e) => {
        if (e.type !== 'batch.written') return;
        const now = performance.now();
        for (const item of e.report.durable)
          for (const s of item.outputs.scores) {
            const key = `${String(s.key)}|${String(s.windowStart)}`;
            if (!durableAt.has(key)) durableAt.set(key, now); // the first durable copy counts
          }
      },
    }),
  );
  if (workers > 1) {
    // measure the balanced steady state: wait until every worker holds a lease
    const deadline = performance.now() + 30_000;
    while (performance.now() < deadline) {
      const out = await aws.documents.send(new ScanCommand({ TableName: config.leaseTableName }));
      const owners = new Set((out.Items ?? []).map((l) => String(l.leaseOwner)));
      if (owners.size >= workers && !owners.has('undefined')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const putAt: number[] = [];
  const t0 = performance.now();
  for (let m = 0; m < minutes; m += perCall) {
    const span = Array.from({ length: Math.min(perCall, minutes - m) }, (_, i) => m + i);
    for (const x of span) putAt[x] = performance.now();
    await aws.kinesis.send(
      new PutRecordsCommand({
        StreamName: config.streamName,
        Records: span.flatMap((x) =>
          KEYS.map((k) => ({ PartitionKey: k, Data: Buffer.from(reading(k, x)) })),
        ),
      }),
    );
    const next = t0 + (m + perCall) * paceMs;
    if (paceMs > 0) await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
  const expected = KEYS.length * (minutes - 2);
  const deadline = performance.now() + 60_000;
  while (durableAt.size < expected && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  const latencies: number[] = [];
  let last = t0;
  for (const key of KEYS)
    for (let w = 0; w < minutes - 2; w++) {
      const at = durableAt.get(`${key}|${new Date(T0 + w * MIN).toISOString()}`);
      if (at === undefined) continue;
      last = Math.max(last, at);
      latencies.push(at - (putAt[w + 2] as number));
    }
  await Promise.all(running.map((r) => r.stop(2_000)));
  aws.destroy();
  return {
    name,
    records: KEYS.length * minutes,
    windows: latencies.length,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    rps: (KEYS.length * (minutes - 2)) / ((last - t0) / 1000),
  };
}

try {
  const rows = [
    await run('paced, poll idle 500 ms (default)', 500, 100, 150),
    await run('paced, poll idle 100 ms', 100, 100, 150),
    await run('max speed (50 minutes per PutRecords), poll idle 100 ms', 100, 400, 0, 50),
    await run('paced, poll idle 100 ms, two workers', 100, 100, 150, 1, 2),
    await run('max speed, poll idle 100 ms, two workers', 100, 400, 0, 50, 2),
  ];
  const base = rows[0] as Row;
  table(
    ['run', 'records', 'windows', 'p50 ms', 'p99 ms', 'p50 vs default', 'records/s'],
    rows.map((r) => [
      r.name,
      String(r.records),
      String(r.windows),
      r.p50.toFixed(0),
      r.p99.toFixed(0),
      (r.p50 / base.p50).toFixed(2),
      r.rps.toFixed(0),
    ]),
    FIGURES,
  );
} finally {
  await cloud.stop();
}
