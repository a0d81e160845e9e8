/**
 * Replay gives the same results (issue 7, "Done when"): readings go into stream A, which the
 * raw-archive Firehose (Kinesis source) archives to S3 while a `consume --pipeline devices`
 * worker computes results into A's tables. Then `shardflow replay` re-puts the archive into a
 * fresh stream B, a worker computes B's results into B's tables, and the two result sets are
 * compared row by row.
 */
import type { ChildProcess } from 'node:child_process';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { resourcesFor, type Config } from '../core/index.js';
import {
  bootstrapResources,
  withoutRawArchive,
  firehoseStats,
  flushFirehose,
  freePort,
} from '../localstack/index.js';
import { scanTable, spawnCli, testClients, testConfig, waitFor } from '../test/helpers.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 23, 5, 0, 0);
const MINUTES = 66;
const DEVICES = ['dev-a', 'dev-b', 'dev-c'];
const firehose = process.env.AWS_ENDPOINT_URL_FIREHOSE ?? '';
const children: ChildProcess[] = [];

const a: Config = testConfig({ shardCount: 2 });
const b: Config = testConfig({ shardCount: 2 });
const aws = testClients(a);

function reading(deviceId: string, minute: number): string {
  const w = Math.sin(minute / 4 + deviceId.length);
  const spike = deviceId === 'dev-b' && minute === 40;
  return JSON.stringify({
    kind: 'device',
    deviceId,
    ts: new Date(T0 + minute * MIN + 10_000).toISOString(),
    readings: {
      iaq: spike ? 450 : 60 + 3 * w,
      temperature: 21 + w / 5,
      humidity: 40 + w,
      voc: 0.5,
      pressure: 1013,
      co2: spike ? 6000 : 600 + 10 * w,
    },
  });
}

function run(
  args: string[],
  config: Config,
): { child: ChildProcess; exited: Promise<number | null> } {
  const child = spawnCli(args, {
    SHARDFLOW_APP: config.app,
    SHARDFLOW_FAILOVER_MS: '2000',
    SHARDFLOW_DRAIN_DEADLINE_SECONDS: '4',
    LOG_LEVEL: 'warn',
  });
  children.push(child);
  return { child, exited: new Promise((r) => child.once('exit', (code) => r(code))) };
}

async function rows(table: string): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const item of await scanTable(aws, table)) {
    const { expiresAt: _ttl, ...rest } = item;
    out.set(`${String(item.pk)}|${String(item.sk)}`, rest);
  }
  return out;
}

/** Runs a devices worker on `config` until its predictions table holds `expected` rows. */
async function computeResults(config: Config, expected: number) {
  const port = await freePort();
  const worker = run(['consume', '--pipeline', 'devices', '--http-port', String(port)], config);
  await waitFor(async () => (await rows(config.predictionsTableName)).size >= expected, {
    timeoutMs: 60_000,
    intervalMs: 1_000,
    what: `${config.app}: ${expected} prediction rows`,
  });
  await new Promise((r) => setTimeout(r, 1_500)); // the anomalies of the same last batch
  worker.child.kill('SIGTERM');
  expect(await worker.exited).toBe(0);
  return {
    predictions: await rows(config.predictionsTableName),
    anomalies: await rows(config.anomaliesTableName),
  };
}

beforeAll(async () => {
  await bootstrapResources(aws, resourcesFor(a), { deliveryStreams: true }); // incl. the raw archive
  const rb = resourcesFor(b);
  await bootstrapResources(aws, withoutRawArchive(rb), { deliveryStreams: true });
});

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  aws.destroy();
});

it('archive → replay into a fresh stream → the same results', async () => {
  const started = Date.now();
  const records = Array.from({ length: MINUTES + 2 }, (_, m) => m).flatMap((m) =>
    DEVICES.map((d) => ({ PartitionKey: d, Data: Buffer.from(reading(d, m)) })),
  );
  for (let i = 0; i < records.length; i += 200)
    await aws.kinesis.send(
      new PutRecordsCommand({ StreamName: a.streamName, Records: records.slice(i, i + 200) }),
    );
  // predictions exist for windows with 60 minutes of history: 59 .. MINUTES-1, three horizons
  const expected = DEVICES.length * (MINUTES - 59) * 3;
  const original = await computeResults(a, expected);

  // the raw archive holds every record once the emulator's buffers are delivered
  await waitFor(
    async () => {
      await flushFirehose(firehose);
      return (await firehoseStats(firehose))[a.rawDeliveryStream]?.records === records.length;
    },
    { timeoutMs: 30_000, intervalMs: 500, what: 'raw archive delivered' },
  );

  const replay = run(
    [
      'replay',
      '--from',
      new Date(started - 3_600_000).toISOString(),
      '--to',
      new Date(Date.now() + 3_600_000).toISOString(),
      '--speed',
      'max',
      '--stream',
      b.streamName,
    ],
    a,
  );
  expect(await replay.exited).toBe(0);
  const replayed = await computeResults(b, expected);

  expect(replayed.predictions.size).toBe(expected);
  expect([...replayed.predictions.entries()].sort()).toEqual(
    [...original.predictions.entries()].sort(),
  );
  expect([...replayed.anomalies.keys()].sort()).toEqual([...original.anomalies.keys()].sort());
  expect(original.anomalies.has(`dev-b|${new Date(T0 + 40 * MIN).toISOString()}`)).toBe(true);
}, 180_000);
