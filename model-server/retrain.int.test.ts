/**
 * Retraining end to end on the embedded local cloud: the raw archive in S3 → `exportLake`
 * (CSV, by day) → `trainForecaster` from the export → the running model server answers
 * with the new model without a restart (model.json replaced atomically, a version kept).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { createAwsClients } from '../adapters/index.js';
import { loadConfig } from '../core/index.js';
import { dirTarget, exportLake, exportRange } from '../lake/index.js';
import { testClients, testConfig } from '../test/helpers.js';
import { createModelServer, trainForecaster } from './index.js';

const co2 = (minute: number) => 600 + 50 * Math.sin(minute / 10);

it('retrains a forecaster from a lake export and the running server serves it', async () => {
  const config = testConfig();
  const clients = testClients(config);
  const tmp = mkdtempSync(join(tmpdir(), 'sf-retrain-'));
  const models = join(tmp, 'models');
  const server = await createModelServer({ modelDir: models, port: 0, host: '127.0.0.1' });
  const runtime = createAwsClients(
    loadConfig({ ...process.env, AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: server.url }),
    { maxAttempts: 1 },
  );
  try {
    await clients.s3.send(new CreateBucketCommand({ Bucket: config.bucketName }));
    const start = Date.UTC(2026, 10, 23);
    const lines = Array.from({ length: 600 }, (_, i) =>
      JSON.stringify({
        kind: 'device',
        deviceId: 'D1',
        ts: new Date(start + i * 60_000).toISOString(),
        readings: { iaq: 50, temperature: 21, humidity: 40, voc: 0.5, pressure: 1013, co2: co2(i) },
      }),
    );
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: config.bucketName,
        Key: `raw/2026/11/23/10/s-1-2026-11-23-10-00-00-00000000-0000-4000-8000-000000000001.gz`,
        Body: gzipSync(lines.join('\n')),
      }),
    );
    const exported = await exportLake({
      s3: clients.s3,
      bucket: config.bucketName,
      prefixes: { raw: 'raw/', results: 'results/' },
      range: exportRange({ from: '2026-11-23', to: '2026-11-24' }, 0),
      format: 'csv',
      target: dirTarget(join(tmp, 'lake')),
      tables: ['devices'],
    });
    const csv = join(tmp, 'lake', exported.files[0] as string);
    const train = (model: string) =>
      trainForecaster({
        input: csv,
        column: 'co2',
        out: join(models, 'co2'),
        model,
        lambda: 1e-3,
        period: 60,
      });
    const window = Array.from({ length: 60 }, (_, i) => co2(700 + i));
    const invoke = async () => {
      const out = await runtime.sagemakerRuntime.send(
        new InvokeEndpointCommand({
          EndpointName: 'x-co2',
          ContentType: 'application/json',
          Body: JSON.stringify({ instances: [window] }),
        }),
      );
      return (JSON.parse(new TextDecoder().decode(out.Body)) as { predictions: number[][] })
        .predictions[0] as number[];
    };

    await train('moving-average');
    const before = await invoke();
    const mean = window.reduce((a, b) => a + b, 0) / window.length;
    expect(before[0]).toBeCloseTo(mean, 6);

    await train('linear-ar');
    const after = await invoke();
    expect(Math.abs((after[0] as number) - co2(760))).toBeLessThan(5);
    expect(Math.abs((before[0] as number) - co2(760))).toBeGreaterThan(20);
    expect(readdirSync(join(models, 'co2', 'versions'))).toHaveLength(2);
  } finally {
    runtime.destroy();
    clients.destroy();
    await server.close();
    rmSync(tmp, { recursive: true, force: true });
  }
});
