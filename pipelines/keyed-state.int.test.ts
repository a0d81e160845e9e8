/**
 * Keyed-state checkpoints on the local cloud (issue 11): a stream is split and the children
 * merged while a pipeline consumes it — the children restore their parents' final S3
 * snapshots by hash key range, so every window after the reshard still gets its forecast (a
 * child starting with empty state would forecast only after 10 windows of its own); and a
 * sink that is down for a while is retried until it returns: the worker turns unhealthy on
 * `/healthz` meanwhile, then every result becomes durable and it is healthy again, without
 * a restart.
 */
import {
  ListShardsCommand,
  MergeShardsCommand,
  PutRecordsCommand,
  SplitShardCommand,
} from '@aws-sdk/client-kinesis';
import type { AwsClients } from '../adapters/index.js';
import { consume } from '../consumers/index.js';
import { resourcesFor, type Config } from '../core/index.js';
import { bootstrapResources, withoutRawArchive } from '../localstack/index.js';
import { movingAverage } from '../models/index.js';
import { scanTable, streamActive, testClients, testConfig, waitFor } from '../test/helpers.js';
import { deviceSpec } from './devices/index.js';
import {
  createPipeline,
  createResultSinks,
  createS3SnapshotStore,
  runPipeline,
  startPipelineWorker,
  type PipelineEvent,
  type ResultSinks,
} from './index.js';

const MIN = 60_000;
const T0 = Math.floor((Date.now() - 3 * 3_600_000) / MIN) * MIN;
const iso = (t: number) => new Date(t).toISOString();
const fast = {
  forecaster: movingAverage({ inputLength: 10, span: 5 }),
  forest: { numberOfTrees: 20, sampleSize: 32, outputAfter: 8, seed: 7 },
  thresholder: { minScores: 5, zFactor: 2.5 },
};

let config: Config;
let aws: AwsClients;
beforeAll(async () => {
  config = testConfig({ shardCount: 1 });
  aws = testClients(config);
  const resources = resourcesFor(config);
  await bootstrapResources(aws, withoutRawArchive(resources), { deliveryStreams: true });
});
afterAll(() => aws?.destroy());

async function put(keys: readonly string[], from: number, to: number): Promise<void> {
  const records = [];
  for (let m = from; m < to; m++)
    for (const [i, key] of keys.entries())
      records.push({
        PartitionKey: key,
        Data: Buffer.from(
          JSON.stringify({
            kind: 'device',
            deviceId: key,
            ts: iso(T0 + m * MIN + 10_000),
            readings: {
              iaq: 50 + ((m * 7 + i) % 13),
              temperature: 21,
              humidity: 40,
              voc: 0.5,
              pressure: 1013,
              co2: 600,
            },
          }),
        ),
      });
  for (let i = 0; i < records.length; i += 200)
    await aws.kinesis.send(
      new PutRecordsCommand({ StreamName: config.streamName, Records: records.slice(i, i + 200) }),
    );
}

const active = () => streamActive(aws.kinesis, config.streamName);
const shards = async () =>
  (await aws.kinesis.send(new ListShardsCommand({ StreamName: config.streamName }))).Shards ?? [];

/** `pk|sk` of every prediction row of `keys`. */
async function predictions(keys: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const r of await scanTable(aws, config.predictionsTableName))
    if (keys.includes(String(r.pk))) out.add(`${String(r.pk)}|${String(r.sk)}`);
  return out;
}

/** The iaq~5 rows every window in [from, to) of `keys` must have. */
const expected = (keys: readonly string[], from: number, to: number) =>
  keys.flatMap((k) =>
    Array.from({ length: to - from }, (_, i) => `${k}|${iso(T0 + (from + i + 5) * MIN)}#iaq~5`),
  );

const consumerOf = (workerId: string) =>
  consume({
    kinesis: aws.kinesis,
    dynamodb: aws.dynamodb,
    streamName: config.streamName,
    leaseTableName: config.leaseTableName,
    workerId,
    failoverTimeMs: 1_500,
    takeIntervalMs: 250,
    shardSyncIntervalMs: 500,
    retrieval: { type: 'polling', idleTimeMs: 50 },
  });

it('split, then merge while consuming: children restore their parents’ state and forecast from their first window', async () => {
  const keys = Array.from({ length: 8 }, (_, i) => `rs-${i}`);
  const events: PipelineEvent[] = [];
  const running = runPipeline({
    consumer: consumerOf('w-reshard'),
    pipeline: (ctx) => createPipeline([deviceSpec(fast)], ctx),
    sinks: createResultSinks({ aws, config }),
    store: createS3SnapshotStore({ s3: aws.s3, bucket: config.bucketName }),
    maxWaitMs: 50,
    snapshotIntervalMs: 300,
    onEvent: (e) => events.push(e),
  });
  try {
    await put(keys, 0, 20);
    await waitFor(async () => (await predictions(keys)).size >= keys.length * 8, {
      timeoutMs: 30_000,
      what: 'the parent forecasts',
    });
    const [parent] = await shards();
    const lo = BigInt(parent!.HashKeyRange!.StartingHashKey!);
    const hi = BigInt(parent!.HashKeyRange!.EndingHashKey!);
    await aws.kinesis.send(
      new SplitShardCommand({
        StreamName: config.streamName,
        ShardToSplit: parent!.ShardId!,
        NewStartingHashKey: ((lo + hi) / 2n).toString(),
      }),
    );
    await active();
    await put(keys, 20, 35);
    const children = (await shards()).filter((s) => s.ParentShardId === parent!.ShardId);
    expect(children).toHaveLength(2);
    await aws.kinesis.send(
      new MergeShardsCommand({
        StreamName: config.streamName,
        ShardToMerge: children[0]!.ShardId!,
        AdjacentShardToMerge: children[1]!.ShardId!,
      }),
    );
    await active();
    await put(keys, 35, 50);
    // windows 9..47 of every key (48 is held by resample, 49 open)
    const want = expected(keys, 9, 48);
    await waitFor(
      async () => {
        const got = await predictions(keys);
        return want.every((w) => got.has(w));
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'a forecast for every window' },
    );
    const restored = events.filter(
      (e) => e.type === 'session.started' && e.restoredFrom === 'parents',
    );
    expect(restored.map((e) => e.type === 'session.started' && e.keys)).toEqual([
      expect.any(Number),
      expect.any(Number),
      keys.length, // the merged child: both halves
    ]);
    const [a, b] = restored.map((e) => (e.type === 'session.started' ? e.keys : 0));
    expect((a ?? 0) + (b ?? 0)).toBe(keys.length); // the split children: disjoint halves
  } finally {
    await running.stop(5_000);
  }
});

it('a sink down for a while: unhealthy meanwhile, every result durable after it returns, no restart', async () => {
  const keys = Array.from({ length: 4 }, (_, i) => `so-${i}`);
  let down = false;
  const real = createResultSinks({ aws, config });
  const flaky: ResultSinks = {
    ...real,
    predictions: {
      write: (items) =>
        down
          ? Promise.reject(Object.assign(new Error('sink down'), { code: 'ServiceUnavailable' }))
          : real.predictions.write(items),
    },
  };
  const worker = await startPipelineWorker({
    kinesis: aws.kinesis,
    dynamodb: aws.dynamodb,
    streamName: config.streamName,
    leaseTableName: config.leaseTableName,
    workerId: 'w-outage',
    failoverTimeMs: 1_500,
    takeIntervalMs: 250,
    retrieval: { type: 'polling', idleTimeMs: 50 },
    readings: [deviceSpec(fast)],
    sinks: flaky,
    store: createS3SnapshotStore({ s3: aws.s3, bucket: config.bucketName }),
    snapshotIntervalMs: 300,
    sinkUnhealthyAfterMs: 1_000,
    httpPort: 0,
    drainDeadlineMs: 5_000,
    handleSignals: false,
  });
  const health = async () => (await fetch(`http://127.0.0.1:${worker.port}/healthz`)).status;
  try {
    down = true;
    // after the first test's minutes: the shard's restored watermark would make earlier ones late
    await put(keys, 60, 90);
    await waitFor(async () => (await health()) === 503, {
      timeoutMs: 30_000,
      what: 'unhealthy while the sink is down',
    });
    expect((await predictions(keys)).size).toBe(0);
    down = false;
    const back = Date.now();
    const want = expected(keys, 69, 88);
    await waitFor(
      async () => {
        const got = await predictions(keys);
        return want.every((w) => got.has(w));
      },
      { timeoutMs: 30_000, intervalMs: 250, what: 'every result after the sink returned' },
    );
    expect(Date.now() - back).toBeLessThan(15_000);
    await waitFor(async () => (await health()) === 200, { what: 'healthy again' });
  } finally {
    await worker.stop();
  }
});
