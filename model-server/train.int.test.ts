/**
 * The training CLI reads a Firehose-style archive (gzip NDJSON objects under an S3 prefix)
 * from the local cloud's S3 and writes a forecaster the model server can load; with
 * `--out s3://…` it writes the versioned artefact and model.json to S3.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import type { AwsClients } from '../adapters/index.js';
import { forecasterFromJson } from '../models/index.js';
import { testClients, testConfig, uniqueName } from '../test/helpers.js';

/** Runs `shardflow train forecaster <args>` against the local cloud; its standard output. */
async function trainForecaster(args: readonly string[]): Promise<string> {
  const cli = ['--import', 'tsx', 'cli/cli.ts', 'train', 'forecaster', ...args];
  const { stdout } = await promisify(execFile)(process.execPath, cli, {
    env: process.env,
    cwd: process.cwd(),
  });
  return stdout;
}

// each test: clients of the local cloud, a fresh bucket and a temporary folder
let clients: AwsClients;
let bucket: string;
let dir: string;
beforeEach(async () => {
  clients = testClients(testConfig());
  bucket = uniqueName('train');
  dir = mkdtempSync(join(tmpdir(), 'sf-train-'));
  await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
});
afterEach(() => {
  clients.destroy();
  rmSync(dir, { recursive: true, force: true });
});

it('trains a forecaster from the S3 archive and writes model.json', async () => {
  const line = (i: number) =>
    JSON.stringify({
      kind: 'device',
      deviceId: 'D1',
      ts: new Date(i * 60_000).toISOString(),
      readings: { co2: 600 + 50 * Math.sin(i / 10) },
    });
  for (const [part, from] of [
    ['raw/2026/11/23/00/a-1', 0],
    ['raw/2026/11/23/01/a-2', 200],
  ] as const) {
    const body = Array.from({ length: 200 }, (_, i) => line(from + i)).join('\n');
    await clients.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: `${part}.gz`, Body: gzipSync(body) }),
    );
  }
  await trainForecaster(['--input', `s3://${bucket}/raw/`, '--column', 'co2', '--out', dir]);
  const model = forecasterFromJson(JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')));
  expect(model.kind).toBe('linear-ar');
  const window = Array.from({ length: 60 }, (_, i) => 600 + 50 * Math.sin((340 + i) / 10));
  const [next] = model.predict([window]);
  expect(Math.abs((next?.[0] ?? 0) - (600 + 50 * Math.sin(400 / 10)))).toBeLessThan(5);
});

it('trains multivariate boosted trees from an export and writes the versioned artefact to S3', async () => {
  // a wide export: the power follows the water heater's sub-metering one minute later
  const rows = ['time,key,globalActivePower,subMetering3'];
  for (let i = 0; i < 600; i += 1) {
    const heater = Math.floor(i / 37) % 2 === 0 ? 17 : 0;
    rows.push(
      `${new Date(i * 60_000).toISOString()},h1,${(0.3 + heater / 17).toFixed(3)},${heater}`,
    );
  }
  const input = join(dir, 'raw.csv');
  writeFileSync(input, `${rows.join('\n')}\n`);
  const stdout = await trainForecaster([
    '--model',
    'boosted-trees',
    '--input',
    input,
    '--key',
    'key',
    '--column',
    'globalActivePower',
    '--covariates',
    'subMetering3',
    '--trees',
    '5',
    '--out',
    `s3://${bucket}/models/forecast-household-power`,
  ]);
  expect(stdout).toContain(`s3://${bucket}/models/forecast-household-power/model.json`);
  const read = async (key: string) =>
    (
      await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
    ).Body?.transformToString();
  const listed = await clients.s3.send(
    new ListObjectsV2Command({
      Bucket: bucket,
      Prefix: 'models/forecast-household-power/versions/',
    }),
  );
  expect(listed.Contents).toHaveLength(1);
  const version = await read(listed.Contents?.[0]?.Key as string);
  const current = await read('models/forecast-household-power/model.json');
  expect(current).toBe(version);
  const model = forecasterFromJson(JSON.parse(current as string));
  expect(model.kind).toBe('boosted-trees');
  expect(model.covariates).toEqual(['subMetering3']);
});
