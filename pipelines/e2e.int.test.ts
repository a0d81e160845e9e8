/**
 * End-to-end (issue 7, "Done when"): device and household readings with planted anomalies and
 * a few invalid records go into a 2-shard stream; two `shardflow consume --pipeline both`
 * worker processes run the pipelines; one is SIGKILLed in the middle and the other takes its
 * shard over, restores the keyed-state snapshot named by the lease and reads from the
 * checkpoint. Afterwards: every window of every key has its
 * prediction rows exactly once and nothing else (deterministic keys: replays overwrite), the
 * S3 lake holds every window's score at least once, every invalid record is a dead letter with
 * its reason, and the planted anomalies are graded anomalous.
 */
import type { ChildProcess } from 'node:child_process';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { DeleteDeliveryStreamCommand } from '@aws-sdk/client-firehose';
import { resourcesFor, type Config } from '../core/index.js';
import { bootstrapResources, withoutRawArchive, freePort } from '../localstack/index.js';
import { scanTable, spawnCli, testClients, testConfig, waitFor } from '../test/helpers.js';
import { listObjects, readArchiveObject, type AwsClients } from '../adapters/index.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 23, 5, 0, 0);
const MINUTES = 75; // windows 0..74 must have results; 75 and 76 are trailing sentinels
const KILL_AFTER = 68; // minutes produced before the kill
const DEVICES = ['dev-a', 'dev-b', 'dev-c'];
const HOUSEHOLDS = ['h-0001', 'h-0002'];
const PLANTED = [
  { key: 'dev-a', minute: 50 },
  { key: 'h-0002', minute: 55 },
];
const iso = (t: number) => new Date(t).toISOString();

let config: Config;
let aws: AwsClients;
const children: ChildProcess[] = [];

function reading(key: string, minute: number): Record<string, unknown> {
  const w = Math.sin(minute / 4 + key.length);
  const planted = PLANTED.some((p) => p.key === key && p.minute === minute);
  const ts = iso(T0 + minute * MIN + 10_000);
  if (key.startsWith('dev'))
    return {
      kind: 'device',
      deviceId: key,
      ts,
      readings: planted
        ? { iaq: 450, temperature: 35, humidity: 90, voc: 40, pressure: 1013, co2: 6000 }
        : {
            iaq: 60 + 3 * w,
            temperature: 21 + w / 5,
            humidity: 40 + w,
            voc: 0.5,
            pressure: 1013,
            co2: 600 + 10 * w,
          },
    };
  return {
    kind: 'household',
    householdId: key,
    ts,
    readings: planted
      ? {
          globalActivePower: 9.5,
          globalReactivePower: 2,
          voltage: 221,
          globalIntensity: 42,
          subMetering1: 80,
          subMetering2: 70,
          subMetering3: 30,
        }
      : {
          globalActivePower: 1.2 + 0.2 * w,
          globalReactivePower: 0.1,
          voltage: 236 + w,
          globalIntensity: 5 + w,
          subMetering1: 0,
          subMetering2: 1,
          subMetering3: 17,
        },
  };
}

const INVALID = [
  { key: 'dev-b', data: '{"kind":"device", oops', reason: 'invalid-json' },
  {
    key: 'dev-b',
    data: JSON.stringify({ kind: 'device', deviceId: 'dev-b', ts: 'noon' }),
    reason: 'schema',
  },
  {
    key: 'dev-c',
    data: JSON.stringify({
      ...reading('dev-c', 20),
      readings: { ...(reading('dev-c', 20).readings as object), humidity: 140 },
    }),
    reason: 'out-of-range',
  },
];

async function put(entries: { key: string; data: string }[]): Promise<void> {
  for (let i = 0; i < entries.length; i += 200) {
    const chunk = entries.slice(i, i + 200);
    const out = await aws.kinesis.send(
      new PutRecordsCommand({
        StreamName: config.streamName,
        Records: chunk.map((e) => ({ PartitionKey: e.key, Data: Buffer.from(e.data) })),
      }),
    );
    expect(out.FailedRecordCount ?? 0).toBe(0);
  }
}

const minutes = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => from + i).flatMap((m) =>
    [...DEVICES, ...HOUSEHOLDS].map((key) => ({ key, data: JSON.stringify(reading(key, m)) })),
  );

async function startWorker(id: string): Promise<{ child: ChildProcess; exited: Promise<unknown> }> {
  const port = await freePort();
  const child = spawnCli(['consume', '--pipeline', 'both'], {
    SHARDFLOW_APP: config.app,
    SHARDFLOW_SHARDS: '2',
    SHARDFLOW_WORKER_ID: id,
    SHARDFLOW_HTTP_PORT: String(port),
    SHARDFLOW_FAILOVER_MS: '2000',
    SHARDFLOW_DRAIN_DEADLINE_SECONDS: '4',
    LOG_LEVEL: 'warn',
  });
  children.push(child);
  const exited = new Promise((r) => child.once('exit', r));
  await waitFor(
    async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok,
    { timeoutMs: 40_000, intervalMs: 250, what: `worker ${id} healthy` },
  );
  return { child, exited };
}

const scan = (table: string) => scanTable(aws, table);

async function lakeLines(prefix: string): Promise<Record<string, unknown>[]> {
  const lines: Record<string, unknown>[] = [];
  for (const { key } of await listObjects(aws.s3, { bucket: config.bucketName, prefix })) {
    const text = await readArchiveObject(aws.s3, config.bucketName, key);
    for (const line of text.split('\n'))
      if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
  }
  return lines;
}

const leaseOwners = async () =>
  (await scan(config.leaseTableName)).map((l) => String(l.leaseOwner ?? ''));

beforeAll(async () => {
  config = testConfig({ shardCount: 2 });
  aws = testClients(config);
  const resources = resourcesFor(config);
  await bootstrapResources(aws, withoutRawArchive(resources), { deliveryStreams: true });
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  aws?.destroy();
});

it('two workers, one SIGKILLed mid-stream: complete, idempotent results; dead letters; anomalies', async () => {
  await put([...INVALID, ...minutes(0, KILL_AFTER)]);
  const a = await startWorker('worker-a');
  const b = await startWorker('worker-b');
  await waitFor(
    async () => {
      const owners = await leaseOwners();
      return owners.length === 2 && owners.includes('worker-a') && owners.includes('worker-b');
    },
    { timeoutMs: 30_000, intervalMs: 250, what: 'one shard per worker' },
  );
  // kill worker-a only once it has checkpointed mid-stream with a state snapshot: the
  // take-over must restore the snapshot the lease names, read after that checkpoint, and
  // still give every window its full model input (the 60-window forecaster's included)
  await waitFor(
    async () =>
      (await scan(config.leaseTableName)).some(
        (l) =>
          l.leaseOwner === 'worker-a' &&
          /^\d+$/.test(String(l.checkpoint)) &&
          /^s3:\/\/.+\.json\.gz$/.test(String(l.shardflowState)),
      ),
    { timeoutMs: 40_000, intervalMs: 250, what: 'worker-a checkpointed mid-stream with state' },
  );
  a.child.kill('SIGKILL');
  await a.exited;
  await put(minutes(KILL_AFTER, MINUTES + 2));
  await waitFor(async () => (await leaseOwners()).every((o) => o === 'worker-b'), {
    timeoutMs: 30_000,
    intervalMs: 250,
    what: "worker-b took over the killed worker's shard",
  });

  const keys = [...DEVICES, ...HOUSEHOLDS];
  const expectedPredictions = new Set<string>();
  for (const key of keys)
    for (let w = 59; w < MINUTES; w++)
      for (const h of [5, 10, 15])
        expectedPredictions.add(
          `${key}|${iso(T0 + (w + h) * MIN)}#${key.startsWith('dev') ? 'iaq' : 'globalActivePower'}~${h}`,
        );
  const predictions = await waitFor(
    async () => {
      const rows = await scan(config.predictionsTableName);
      return rows.length >= expectedPredictions.size ? rows : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 1_000, what: 'every prediction row' },
  );
  await new Promise((r) => setTimeout(r, 1_500)); // the last sink batch of the same items
  b.child.kill('SIGTERM');
  await b.exited;

  // DynamoDB: exactly the expected prediction rows (none missing, none extra / duplicated)
  const got = predictions.map((r) => `${String(r.pk)}|${String(r.sk)}`);
  expect(new Set(got).size).toBe(got.length);
  expect(new Set(got)).toEqual(expectedPredictions);

  // the lake: every window of every key scored at least once
  for (const d of [config.resultsDeliveryStream, config.deadLetterDeliveryStream])
    await aws.firehose.send(new DeleteDeliveryStreamCommand({ DeliveryStreamName: d }));
  const scores = await lakeLines('results/');
  const scored = new Set(scores.map((s) => `${String(s.key)}|${String(s.windowStart)}`));
  const missing: string[] = [];
  for (const key of keys)
    for (let w = 0; w < MINUTES; w++)
      if (!scored.has(`${key}|${iso(T0 + w * MIN)}`)) missing.push(`${key}@${w}`);
  expect(missing).toEqual([]);

  // dead letters: every invalid record with its reason, position and raw payload
  const dead = await lakeLines('dead-letters/');
  // (at-least-once: a dead letter written before the kill may be written again by the replay)
  expect(new Set(dead.map((d) => d.reason))).toEqual(new Set(INVALID.map((i) => i.reason)));
  for (const d of dead) {
    expect(Object.keys(d.positions as object)).toHaveLength(1);
    expect(d.raw).toBeDefined();
    // the source record named by its Kinesis position
    expect(d.source).toEqual([
      expect.objectContaining({ sequenceNumber: expect.stringMatching(/^\d+$/) }),
    ]);
  }

  // planted anomalies are graded anomalous (rows in the anomalies table with grade > 0)
  const anomalies = await scan(config.anomaliesTableName);
  for (const p of PLANTED) {
    const row = anomalies.find((r) => r.pk === p.key && r.sk === iso(T0 + p.minute * MIN));
    expect(row).toBeDefined();
    expect(Number(row?.grade)).toBeGreaterThan(0);
  }
}, 150_000);
