import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { testClients, testConfig } from '../test/helpers.js';
import { dirTarget, exportLake, exportRange, s3Target } from './index.js';

const config = testConfig();
const clients = testClients(config);
const bucket = config.bucketName;
const out = mkdtempSync(join(tmpdir(), 'shardflow-export-'));
afterAll(() => {
  clients.destroy();
  rmSync(out, { recursive: true, force: true });
});

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const objectKey = (prefix: string, day: string, hour: string, n: number, ext = '') =>
  `${prefix}2026/11/${day}/${hour}/s-1-2026-11-${day}-${hour}-10-00-${uuid(n)}${ext}`;

/** The readings archived, as an independent source of truth for the expected rows. */
const readings = [
  { device: 'd2', ts: '2026-11-23T23:59:00.000Z', iaq: 50.5, co2: 600 },
  { device: 'd1', ts: '2026-11-23T08:00:00.000Z', iaq: 40.25, co2: 410 },
  { device: 'd1', ts: '2026-11-24T00:01:00.000Z', iaq: 41, co2: 415.5 },
];
const line = (r: (typeof readings)[number]) =>
  JSON.stringify({
    kind: 'device',
    deviceId: r.device,
    ts: r.ts,
    readings: { iaq: r.iaq, temperature: 21, humidity: 40, voc: 0.5, pressure: 1013, co2: r.co2 },
  });
const household = JSON.stringify({
  kind: 'household',
  householdId: 'h-1',
  ts: '2026-11-23T12:00:00.000Z',
  readings: {
    globalActivePower: 4.216,
    globalReactivePower: 0.418,
    voltage: 234.84,
    globalIntensity: 18.4,
    subMetering1: 0,
    subMetering2: 1,
    subMetering3: 17,
  },
});

beforeAll(async () => {
  await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const put = (Key: string, Body: Uint8Array | string) =>
    clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body }));
  const [a, b, c] = readings as [(typeof readings)[0], (typeof readings)[0], (typeof readings)[0]];
  await put(objectKey('raw/', '23', '08', 1), `${line(b)}\n${household}\nnot json\n`);
  // a replayed duplicate of b, and a reading outside the range (2026-11-25)
  await put(
    objectKey('raw/', '24', '00', 2, '.gz'),
    gzipSync(`${line(a)}\n${line(b)}\n${line(c)}\n${line({ ...c, ts: '2026-11-25T00:00:00Z' })}\n`),
  );
  await put(
    objectKey('results/', '23', '09', 3),
    `${JSON.stringify({ pipeline: 'devices', key: 'd1', windowStart: b.ts, score: 0.7, grade: 0, threshold: 2.5, values: { iaq: 40.25 } })}\n`,
  );
});

describe('shardflow export (S3 through the SDK)', () => {
  const range = exportRange({ from: '2026-11-23', to: '2026-11-25' }, 0);
  const options = {
    s3: clients.s3,
    bucket,
    prefixes: { raw: 'raw/', results: 'results/' },
    range,
  };

  it('writes Parquet that an independent reader reads back as the archived readings, one row each', async () => {
    const summary = await exportLake({ ...options, format: 'parquet', target: dirTarget(out) });
    expect(summary.aborted).toBe(false);
    expect(summary.rows).toEqual({ devices: 3, households: 1, scores: 1 });
    expect(summary.duplicates).toBe(1);
    expect(summary.unusable).toBe(1);
    expect(summary.files).toContain('lake/devices/dt=2026-11-24/devices.parquet');
    const base = join(out, 'export', '2026-11-23.2026-11-25', 'devices');
    expect(readdirSync(base).sort()).toEqual(['dt=2026-11-23', 'dt=2026-11-24']);
    const rows = ['dt=2026-11-23', 'dt=2026-11-24'].flatMap((dt) => {
      const bytes = readFileSync(join(base, dt, 'devices.parquet'));
      const table = tableFromIPC(readParquet(new Uint8Array(bytes)).intoIPCStream());
      expect(table.schema.fields.map((f) => `${f.name}:${String(f.type)}`).slice(0, 3)).toEqual([
        'time:Timestamp<MILLISECOND, UTC>',
        'device:Utf8',
        'iaq:Float64',
      ]);
      return table.toArray().map((r) => r.toJSON() as Record<string, unknown>);
    });
    const expected = [...readings]
      .sort((x, y) => (x.ts < y.ts ? -1 : 1))
      .map((r) => ({ time: Date.parse(r.ts), device: r.device, iaq: r.iaq, co2: r.co2 }));
    const got = rows
      .map((r) => ({ time: Number(r.time), device: r.device, iaq: r.iaq, co2: r.co2 }))
      .sort((x, y) => x.time - y.time);
    expect(got).toEqual(expected);
  });

  it('writes CSV to the lake bucket, and --days also under latest/<N>-days/', async () => {
    const summary = await exportLake({
      ...options,
      range: { ...range, days: 2 },
      format: 'csv',
      target: s3Target(clients.s3, bucket),
      tables: ['households'],
    });
    expect(summary.files).toEqual([
      'export/2026-11-23.2026-11-25/households/dt=2026-11-23/households.csv',
      'latest/2-days/households/dt=2026-11-23/households.csv',
    ]);
    const got = await clients.s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: summary.files[1] }),
    );
    expect(await got.Body?.transformToString()).toBe(
      'time,household,globalActivePower,globalReactivePower,voltage,globalIntensity,subMetering1,subMetering2,subMetering3\n' +
        '2026-11-23T12:00:00.000Z,h-1,4.216,0.418,234.84,18.4,0,1,17\n',
    );
  });

  it('stops without writing when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const summary = await exportLake({
      ...options,
      format: 'csv',
      target: dirTarget(join(out, 'aborted')),
      signal: controller.signal,
    });
    expect(summary).toMatchObject({ aborted: true, files: [] });
  });

  it('runs as `shardflow export` with a progress line and a one-line summary', () => {
    const dir = join(out, 'cli');
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'cli/cli.ts',
        'export',
        '--from',
        '2026-11-23',
        '--to',
        '2026-11-24',
        '--format',
        'csv',
        '--out',
        dir,
      ],
      { encoding: 'utf8', env: { ...process.env, SHARDFLOW_APP: config.app }, timeout: 60_000 },
    );
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/export: writing +\[#+\] 3\/3/);
    expect(run.stdout).toBe(
      `export: 3 files to ${dir}/ · rows devices 2, households 1, scores 1 · 1 duplicates dropped · 1 unusable lines\n`,
    );
    expect(
      readFileSync(
        join(dir, 'export/2026-11-23.2026-11-24/scores/dt=2026-11-23/scores.csv'),
        'utf8',
      ),
    ).toMatch(/^time,pipeline,key,score,grade,threshold,iaq,/);
  });
});
