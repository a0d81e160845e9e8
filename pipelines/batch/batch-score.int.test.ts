/**
 * Batch scoring of an export → lake objects, on the local cloud's S3: household readings in
 * the raw archive → `exportLake` (CSV) → `batchScoreHouseholds` with the shipped RCF model
 * through the batch transform code (small MaxPayloadInMB, so several requests) → one
 * `scores_batch` object per day beside the export's tables, keyed like the stream's scores,
 * and the same rows as Parquet in `lake/scores_batch/dt=…/` (read back with parquet-wasm).
 */
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { exportLake, exportRange, LAKE_PREFIX, rangePrefix, s3Target } from '../../lake/index.js';
import { loadModel } from '../../model-server/index.js';
import { testClients, testConfig } from '../../test/helpers.js';
import { batchScoreHouseholds } from './batch-score.js';
import { collectTransformOutput } from './collect-output.js';

const config = testConfig();
const clients = testClients(config);
const bucket = config.bucketName;
afterAll(() => clients.destroy());

const start = Date.parse('2026-11-23T23:30:00Z');
/** 60 minutes per household across midnight; h-2 misses minute 20; h-1 spikes at minute 40. */
const readings = ['h-1', 'h-2'].flatMap((householdId) =>
  Array.from({ length: 60 }, (_, m) => m)
    .filter((m) => !(householdId === 'h-2' && m === 20))
    .map((m) => ({
      kind: 'household',
      householdId,
      ts: new Date(start + m * 60_000).toISOString(),
      readings: {
        globalActivePower: householdId === 'h-1' && m === 40 ? 9.5 : 1.2 + 0.3 * Math.sin(m / 5),
        globalReactivePower: 0.1,
        voltage: 240,
        globalIntensity: 5,
        subMetering1: 0,
        subMetering2: 0,
        subMetering3: 1,
      },
    })),
);

beforeAll(async () => {
  await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await clients.s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: 'raw/2026/11/24/00/s-1-2026-11-24-00-10-00-00000000-0000-4000-8000-000000000001',
      Body: readings.map((r) => JSON.stringify(r)).join('\n'),
    }),
  );
});

async function text(key: string): Promise<string> {
  const got = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return got.Body!.transformToString();
}

describe('batch scoring of an export', () => {
  it('writes per-day scores_batch objects beside the export, one row per full window', async () => {
    const range = exportRange({ from: '2026-11-23', to: '2026-11-25' }, 0);
    const target = s3Target(clients.s3, bucket);
    const exported = await exportLake({
      s3: clients.s3,
      bucket,
      prefixes: { raw: 'raw/', results: 'results/' },
      range,
      format: 'csv',
      target,
      tables: ['households'],
    });
    const files = await Promise.all(exported.files.map(text));
    const progress: [number, number][] = [];
    const base = rangePrefix(range.from, range.to);
    const summary = await batchScoreHouseholds({
      files,
      model: loadModel('model-server/models/rcf', 'rcf'),
      target,
      base,
      maxPayloadInMB: 0.002,
      lakePrefix: LAKE_PREFIX,
      onProgress: (done, total) => progress.push([done, total]),
    });
    // h-1: 60 - 7 windows of 8 minutes; h-2: windows not spanning minute 20 (13 + 32)
    expect(summary.windows).toBe(53 + 13 + 32);
    expect(summary.requests).toBeGreaterThan(1);
    expect(progress.at(-1)).toEqual([98, 98]);
    expect(summary.objects).toEqual([
      `${base}scores_batch/dt=2026-11-23/scores_batch.csv`,
      `${base}scores_batch/dt=2026-11-24/scores_batch.csv`,
    ]);
    const listed = await clients.s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: `${base}scores_batch/` }),
    );
    expect(listed.Contents?.map((o) => o.Key).sort()).toEqual(summary.objects);
    // the same windows as the AWS transform job's input, keys and features per line
    const input = (await text(summary.input)).trim().split('\n');
    expect(input).toHaveLength(98);
    expect(JSON.parse(input[0]!)).toEqual({
      time: new Date(start + 7 * 60_000).toISOString(),
      pipeline: 'households',
      key: 'h-1',
      features: expect.any(Array),
    });
    const rows = (await Promise.all(summary.objects.map(text))).flatMap((t) =>
      t
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split(',')),
    );
    expect(rows).toHaveLength(98);
    for (const [, pipeline, key, score] of rows) {
      expect(pipeline).toBe('households');
      expect(['h-1', 'h-2']).toContain(key);
      expect(Number(score)).toBeGreaterThan(0);
    }
    const top = rows.reduce((a, b) => (Number(b[3]) > Number(a[3]) ? b : a));
    expect(top[2]).toBe('h-1');
    const minute = (Date.parse(top[0]!) - start) / 60_000;
    expect(minute).toBeGreaterThanOrEqual(40);
    expect(minute).toBeLessThanOrEqual(47);
    // … and in the lake beside the stream's scores, as Parquet an independent reader reads
    expect(summary.lakeObjects).toEqual([
      'lake/scores_batch/dt=2026-11-23/scores_batch.parquet',
      'lake/scores_batch/dt=2026-11-24/scores_batch.parquet',
    ]);
    const lakeRows: string[][] = [];
    for (const key of summary.lakeObjects) {
      const got = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const bytes = await got.Body!.transformToByteArray();
      const table = tableFromIPC(readParquet(bytes).intoIPCStream());
      expect(table.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual([
        'time:Timestamp<MILLISECOND, UTC>',
        'pipeline:Utf8',
        'key:Utf8',
        'score:Float64',
      ]);
      for (const r of table.toArray() as {
        time: number;
        pipeline: string;
        key: string;
        score: number;
      }[]) {
        expect(key).toContain(`dt=${new Date(Number(r.time)).toISOString().slice(0, 10)}/`);
        lakeRows.push([new Date(Number(r.time)).toISOString(), r.pipeline, r.key, String(r.score)]);
      }
    }
    expect(lakeRows.map((r) => r.join()).sort()).toEqual(rows.map((r) => r.join()).sort());
    // the joined output lines have the AWS job's shape (JoinSource=Input + OutputFilter)
    const joined = JSON.parse((await text(summary.output)).split('\n')[0]!) as object;
    expect(Object.keys(joined)).toEqual(['time', 'pipeline', 'key', 'SageMakerOutput']);
  });
  it('collects a transform job output (joined lines) into the lake as Parquet', async () => {
    const exportPrefix = 'export/2026-11-20.2026-11-21/';
    const lines = [
      {
        time: '2026-11-20T10:00:00.000Z',
        pipeline: 'households',
        key: 'h-9',
        SageMakerOutput: { score: 1.25 },
      },
      {
        time: '2026-11-20T10:01:00.000Z',
        pipeline: 'households',
        key: 'h-9',
        SageMakerOutput: { score: 3.5 },
      },
    ].map((l) => JSON.stringify(l));
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `${exportPrefix}scores_batch_output/windows.jsonl.out`,
        Body: `${lines.join('\n')}\n{"error":"not a score"}\n`,
      }),
    );
    const summary = await collectTransformOutput({
      s3: clients.s3,
      bucket,
      exportPrefix,
      target: s3Target(clients.s3, bucket),
    });
    expect(summary).toEqual({
      files: 1,
      rows: 2,
      unusable: 1,
      objects: ['lake/scores_batch/dt=2026-11-20/scores_batch.parquet'],
    });
    const got = await clients.s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: summary.objects[0] }),
    );
    const table = tableFromIPC(readParquet(await got.Body!.transformToByteArray()).intoIPCStream());
    expect(table.toArray().map((r: { key: string; score: number }) => [r.key, r.score])).toEqual([
      ['h-9', 1.25],
      ['h-9', 3.5],
    ]);
  });
});
