/**
 * A throttle or a 5xx never crashes a worker, at start-up either (`npm run chaos` once lost a
 * worker that exited 1 with "Rate exceeded (injected by the fault proxy)" before it was
 * healthy: the CLI pre-flight's lease-table check called DynamoDB and Kinesis without the
 * project's retry). A `shardflow consume --pipeline both --remote-rcf` worker — what the chaos
 * suite runs — starts behind one fault proxy per service that fails every attempt the SDK
 * makes (3) of each of the first 3 calls of every operation. A call on the start-up path
 * made without `core/retry` then fails for sure and the worker exits (or waits a sync period
 * for its leases); with the retry it takes its leases, reads the records waiting in the
 * stream, is healthy, and exits 0 on SIGTERM. Deterministic: no fraction, no seed.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { AwsClients } from '../adapters/index.js';
import { LeaseRefresher } from '../consumers/index.js';
import { ENDPOINT_ENV_VARS, resourcesFor, type Config } from '../core/index.js';
import { bootstrapResources, freePort, withoutRawArchive } from '../localstack/index.js';
import { startFaultProxy, type FaultProxy } from '../test/fault-proxy.js';
import { testClients, testConfig, waitFor } from '../test/helpers.js';

const root = fileURLToPath(new URL('..', import.meta.url));
/** The SDK's attempts per call (`createAwsClients` default). */
const SDK_ATTEMPTS = 3;
/**
 * Calls of each operation whose every SDK attempt fails: the start-up path calls
 * DescribeStreamSummary and the lease table's Scan 3 times each (pre-flight, the consumer's
 * own check, the first shard sync) before the coordinator's periodic cycles.
 */
const CALLS = 3;
const WORKER = 'w-faulted';

let config: Config;
let aws: AwsClients;
const proxies = new Map<string, FaultProxy>();
beforeAll(async () => {
  config = testConfig({ shardCount: 2 });
  aws = testClients(config);
  await bootstrapResources(aws, withoutRawArchive(resourcesFor(config)), {
    deliveryStreams: true,
  });
  const t0 = Date.now() - 3_600_000;
  await aws.kinesis.send(
    new PutRecordsCommand({
      StreamName: config.streamName,
      Records: Array.from({ length: 20 }, (_, i) => ({
        PartitionKey: `su-${i % 5}`,
        Data: Buffer.from(
          JSON.stringify({
            kind: 'device',
            deviceId: `su-${i % 5}`,
            ts: new Date(t0 + Math.floor(i / 5) * 60_000).toISOString(),
            readings: {
              iaq: 50,
              temperature: 21,
              humidity: 40,
              voc: 0.5,
              pressure: 1013,
              co2: 600,
            },
          }),
        ),
      })),
    }),
  );
  for (const [service, variable] of Object.entries(ENDPOINT_ENV_VARS)) {
    const target = process.env[variable] ?? process.env.AWS_ENDPOINT_URL;
    if (!target) continue;
    const proxy = await startFaultProxy({
      target,
      ...(service === 's3' ? { protocol: 'xml' as const } : {}),
    });
    // a 5xx rather than a throttle: the SDK backs off 5× less before its next attempt;
    // both take the same retry path (the SDK's, then core/retry's)
    proxy.failEachCall(
      { attempts: SDK_ATTEMPTS, calls: CALLS },
      { status: 500, errorType: service === 's3' ? 'InternalError' : 'InternalFailure' },
    );
    proxies.set(variable, proxy);
  }
});
afterAll(async () => {
  aws?.destroy();
  await Promise.all([...proxies.values()].map((p) => p.close()));
});

/** Records read by the worker (its `/metrics`), or 0. */
async function recordsRead(port: number): Promise<number> {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`)
    .then((r) => r.text())
    .catch(() => '');
  return text
    .split('\n')
    .filter((l) => l.startsWith('shardflow_consumer_records_total{'))
    .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
}

it('a worker whose first calls of every operation fail starts, reads, is healthy and exits 0', async () => {
  const port = await freePort();
  const endpoints = Object.fromEntries([...proxies].map(([variable, p]) => [variable, p.url]));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', `${root}cli/cli.ts`, 'consume', '--pipeline', 'both', '--remote-rcf'],
    {
      cwd: root,
      env: {
        ...process.env,
        ...endpoints,
        SHARDFLOW_APP: config.app,
        SHARDFLOW_SHARDS: '2',
        SHARDFLOW_WORKER_ID: WORKER,
        SHARDFLOW_HTTP_PORT: String(port),
        SHARDFLOW_FAILOVER_MS: '3000',
        SHARDFLOW_DRAIN_DEADLINE_SECONDS: '10',
        SHARDFLOW_DEBUG: '1',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let err = '';
  let out = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  // error-level log lines (pino level 50): a shard that failed, a shard sync that failed
  const errors = () => out.split('\n').filter((l) => l.includes('"level":50'));
  let code: number | null | undefined;
  const exited = new Promise<void>((r) =>
    child.on('exit', (c) => {
      code = c;
      r();
    }),
  );
  try {
    const refresher = new LeaseRefresher({
      dynamodb: aws.dynamodb,
      tableName: config.leaseTableName,
    });
    const seen = { owners: [] as (string | undefined)[], read: 0, health: 0 };
    await waitFor(
      async () => {
        if (code !== undefined) return true;
        seen.owners = (await refresher.listLeases().catch(() => [])).map((l) => l.leaseOwner);
        seen.read = await recordsRead(port);
        seen.health = await fetch(`http://127.0.0.1:${port}/healthz`)
          .then((r) => r.status)
          .catch(() => 0);
        return seen.owners.length === 2 && seen.read === 20 && seen.health === 200;
      },
      { timeoutMs: 25_000, intervalMs: 250, what: 'the worker to read every record' },
    ).catch(() => undefined);
    expect({ code, err, errors: errors(), ...seen }).toEqual({
      code: undefined,
      err: '',
      errors: [],
      owners: [WORKER, WORKER],
      read: 20,
      health: 200,
    });
    // the faults were met: each operation of the start-up path was failed and retried
    const requests = Object.fromEntries(
      [...proxies.values()].flatMap((p) => Object.entries(p.stats.requests)),
    );
    const startup = ['DescribeStreamSummary', 'Scan', 'CreateTable', 'DescribeTable'];
    for (const op of [...startup, 'ListShards', 'PutItem', 'UpdateItem', 'GetShardIterator'])
      expect([op, (requests[op] ?? 0) > SDK_ATTEMPTS]).toEqual([op, true]);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  expect(code).toBe(0);
}, 60_000);
