/**
 * The training CLI reads a Firehose-style archive (gzip NDJSON objects under an S3 prefix)
 * from the local cloud's S3 and writes a forecaster the model server can load.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { forecasterFromJson } from '../models/index.js';
import { testClients, testConfig, uniqueName } from '../test/helpers.js';

it('trains a forecaster from the S3 archive and writes model.json', async () => {
  const config = testConfig();
  const clients = testClients(config);
  const bucket = uniqueName('archive');
  const out = mkdtempSync(join(tmpdir(), 'sf-train-'));
  try {
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
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
    await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'cli/cli.ts',
        'train',
        'forecaster',
        '--input',
        `s3://${bucket}/raw/`,
        '--column',
        'co2',
        '--out',
        out,
      ],
      { env: process.env, cwd: process.cwd() },
    );
    const model = forecasterFromJson(JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')));
    expect(model.kind).toBe('linear-ar');
    const window = Array.from({ length: 60 }, (_, i) => 600 + 50 * Math.sin((340 + i) / 10));
    const [next] = model.predict([window]);
    expect(Math.abs((next?.[0] ?? 0) - (600 + 50 * Math.sin(400 / 10)))).toBeLessThan(5);
  } finally {
    clients.destroy();
    rmSync(out, { recursive: true, force: true });
  }
});
