/**
 * `shardflow batch-score` as a user runs it against the local cloud: household readings in the
 * raw archive → one command → a progress line, a summary, and `scores_batch` objects beside
 * the export in the lake bucket; `--aws` prints the CreateTransformJob request instead.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { testClients, testConfig } from '../../test/helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const config = testConfig();
const clients = testClients(config);
afterAll(() => clients.destroy());

const shardflow = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'cli/cli.ts', 'batch-score', ...args], {
    cwd: root,
    env: { ...process.env, SHARDFLOW_APP: config.app },
    encoding: 'utf8',
    timeout: 60_000,
  });

beforeAll(async () => {
  await clients.s3.send(new CreateBucketCommand({ Bucket: config.bucketName }));
  const lines = Array.from({ length: 20 }, (_, m) =>
    JSON.stringify({
      kind: 'household',
      householdId: 'h-9',
      ts: new Date(Date.parse('2026-11-23T10:00:00Z') + m * 60_000).toISOString(),
      readings: {
        globalActivePower: 1 + (m % 3) / 10,
        globalReactivePower: 0.1,
        voltage: 240,
        globalIntensity: 5,
        subMetering1: 0,
        subMetering2: 0,
        subMetering3: 1,
      },
    }),
  );
  await clients.s3.send(
    new PutObjectCommand({
      Bucket: config.bucketName,
      Key: 'raw/2026/11/23/10/s-1-2026-11-23-10-10-00-00000000-0000-4000-8000-000000000009',
      Body: lines.join('\n'),
    }),
  );
});

describe('shardflow batch-score', () => {
  it('scores the range locally into scores_batch beside the export', async () => {
    const r = shardflow('--from', '2026-11-23', '--to', '2026-11-24');
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('13/13 windows');
    expect(r.stdout).toContain('13 windows in 1 requests');
    const listed = await clients.s3.send(
      new ListObjectsV2Command({
        Bucket: config.bucketName,
        Prefix: 'export/2026-11-23.2026-11-24/',
      }),
    );
    expect(listed.Contents?.map((o) => o.Key).sort()).toEqual([
      'export/2026-11-23.2026-11-24/batch_input/windows.jsonl',
      'export/2026-11-23.2026-11-24/households/dt=2026-11-23/households.csv',
      'export/2026-11-23.2026-11-24/scores_batch/dt=2026-11-23/scores_batch.csv',
      'export/2026-11-23.2026-11-24/scores_batch_output/windows.jsonl.out',
    ]);
    // a range of whole days also lands in the lake beside the stream's scores
    expect(r.stdout).toContain('lake/scores_batch/dt=2026-11-23/scores_batch.parquet');
    const lake = await clients.s3.send(
      new ListObjectsV2Command({ Bucket: config.bucketName, Prefix: 'lake/scores_batch/' }),
    );
    expect(lake.Contents?.map((o) => o.Key)).toEqual([
      'lake/scores_batch/dt=2026-11-23/scores_batch.parquet',
    ]);
    // --collect reads the job output in the AWS layout (here the local run's) into the lake
    const collected = shardflow('--from', '2026-11-23', '--to', '2026-11-24', '--collect');
    expect(collected.status).toBe(0);
    expect(collected.stdout).toContain('13 scores from 1 output file(s) (0 unusable lines)');
    expect(collected.stdout).toContain('lake/scores_batch/dt=2026-11-23/scores_batch.parquet');
  }, 70_000);

  it('--aws prints the transform job request, and needs --model-name', () => {
    const r = shardflow('--from', '2026-11-23', '--to', '2026-11-24', '--aws', '--model-name', 'm');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ModelName: 'm', BatchStrategy: 'MultiRecord' });
    const missing = shardflow('--from', '2026-11-23', '--to', '2026-11-24', '--aws');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('--model-name');
  }, 70_000);
});
