/**
 * Shutdown after a reshard (issue 11): a `shardflow consume --pipeline devices` worker
 * process reads a stream that is split while it runs; on SIGTERM it stops reading, makes
 * what is in flight durable, snapshots, checkpoints and releases every lease, and exits 0
 * within the drain deadline — its parent lease finished (SHARD_END with its final
 * snapshot), its children's leases released with their own snapshots.
 */
import { ListShardsCommand, PutRecordsCommand, SplitShardCommand } from '@aws-sdk/client-kinesis';
import type { AwsClients } from '../adapters/index.js';
import { LeaseRefresher } from '../consumers/index.js';
import { resourcesFor, type Config } from '../core/index.js';
import { bootstrapResources, withoutRawArchive, freePort } from '../localstack/index.js';
import { spawnCli, streamActive, testClients, testConfig, waitFor } from '../test/helpers.js';

const MIN = 60_000;
const T0 = Math.floor((Date.now() - 3 * 3_600_000) / MIN) * MIN;
const KEYS = Array.from({ length: 6 }, (_, i) => `sd-${i}`);

let config: Config;
let aws: AwsClients;
beforeAll(async () => {
  config = testConfig({ shardCount: 1 });
  aws = testClients(config);
  const resources = resourcesFor(config);
  await bootstrapResources(aws, withoutRawArchive(resources), { deliveryStreams: true });
});
afterAll(() => aws?.destroy());

async function put(from: number, to: number): Promise<void> {
  const records = [];
  for (let m = from; m < to; m++)
    for (const key of KEYS)
      records.push({
        PartitionKey: key,
        Data: Buffer.from(
          JSON.stringify({
            kind: 'device',
            deviceId: key,
            ts: new Date(T0 + m * MIN + 10_000).toISOString(),
            readings: {
              iaq: 50 + m,
              temperature: 21,
              humidity: 40,
              voc: 0.5,
              pressure: 1013,
              co2: 600,
            },
          }),
        ),
      });
  await aws.kinesis.send(
    new PutRecordsCommand({ StreamName: config.streamName, Records: records }),
  );
}

it('SIGTERM after a split: drains, snapshots, checkpoints, releases, exits 0', async () => {
  const refresher = new LeaseRefresher({
    dynamodb: aws.dynamodb,
    tableName: config.leaseTableName,
  });
  await put(0, 20);
  const port = await freePort();
  const child = spawnCli(['consume', '--pipeline', 'devices'], {
    SHARDFLOW_APP: config.app,
    SHARDFLOW_WORKER_ID: 'w-term',
    SHARDFLOW_HTTP_PORT: String(port),
    SHARDFLOW_FAILOVER_MS: '2000',
    SHARDFLOW_DRAIN_DEADLINE_SECONDS: '6',
    LOG_LEVEL: 'warn',
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const [parent] =
      (await aws.kinesis.send(new ListShardsCommand({ StreamName: config.streamName }))).Shards ??
      [];
    await waitFor(async () => (await refresher.getLease(parent!.ShardId!))?.stateRef, {
      timeoutMs: 40_000,
      intervalMs: 250,
      what: 'a checkpoint with a snapshot on the parent',
    });
    const lo = BigInt(parent!.HashKeyRange!.StartingHashKey!);
    const hi = BigInt(parent!.HashKeyRange!.EndingHashKey!);
    await aws.kinesis.send(
      new SplitShardCommand({
        StreamName: config.streamName,
        ShardToSplit: parent!.ShardId!,
        NewStartingHashKey: ((lo + hi) / 2n).toString(),
      }),
    );
    await streamActive(aws.kinesis, config.streamName);
    await put(20, 30);
    const children = async () =>
      (await refresher.listLeases()).filter((l) => l.parentShardIds.includes(parent!.ShardId!));
    await waitFor(
      async () => {
        const c = await children();
        return c.length === 2 && c.every((l) => l.leaseOwner === 'w-term' && l.stateRef);
      },
      { timeoutMs: 40_000, intervalMs: 250, what: 'both children processing with snapshots' },
    );
    const t = Date.now();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - t).toBeLessThan(6_000);
    const finished = await refresher.getLease(parent!.ShardId!);
    expect(finished?.checkpoint.sequenceNumber).toBe('SHARD_END');
    expect(finished?.stateRef).toMatch(/^s3:\/\//);
    for (const l of await children()) {
      expect(l.leaseOwner).toBeUndefined(); // released
      expect(l.stateRef).toMatch(/^s3:\/\//);
      expect(l.checkpoint.sequenceNumber).toMatch(/^\d+$/);
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
});
