import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { deaggregate } from '../../consumers/index.js';
import { waitStreamActive } from '../../localstack/index.js';
import { testClients, testConfig, uniqueName } from '../../test/helpers.js';

const config = testConfig({ shardCount: 2 });
const clients = testClients(config);
afterAll(() => clients.destroy());

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const reading = (deviceId: string, i: number) =>
  JSON.stringify({
    kind: 'device',
    deviceId,
    ts: new Date(Date.UTC(2026, 10, 23, 8, i)).toISOString(),
    readings: { iaq: i },
  });

function runReplay(args: string[]): Promise<{ code: number | null; out: string }> {
  const cli = fileURLToPath(new URL('../cli.ts', import.meta.url));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, 'replay', ...args], {
      env: { ...process.env, SHARDFLOW_APP: config.app },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

async function readAll(stream: string): Promise<{ key: string; body: string }[]> {
  const shards =
    (await clients.kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards ?? [];
  const out: { key: string; body: string }[] = [];
  for (const shard of shards) {
    let iterator = (
      await clients.kinesis.send(
        new GetShardIteratorCommand({
          StreamName: stream,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    for (let i = 0; i < 5 && iterator; i += 1) {
      const page = await clients.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator }));
      for (const r of page.Records ?? [])
        for (const u of deaggregate(r))
          out.push({ key: u.partitionKey, body: Buffer.from(u.data).toString() });
      iterator = page.NextShardIterator;
    }
  }
  return out;
}

describe('shardflow replay', () => {
  it('re-puts the archived records of the range into the given stream with their partition keys', async () => {
    const target = uniqueName('replayed');
    await clients.kinesis.send(new CreateStreamCommand({ StreamName: target, ShardCount: 2 }));
    await waitStreamActive(clients, target);
    await clients.s3.send(new CreateBucketCommand({ Bucket: config.bucketName }));
    const lines = Array.from({ length: 40 }, (_, i) => reading(`dev-${i % 5}`, i));
    const key = (hh: string, n: number) =>
      `raw/2026/11/23/${hh}/${config.rawDeliveryStream}-1-2026-11-23-${hh}-10-00-${uuid(n)}`;
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: config.bucketName,
        Key: `${key('08', 1)}.gz`,
        Body: gzipSync(lines.slice(0, 20).join('\n')),
      }),
    );
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: config.bucketName,
        Key: key('09', 2),
        Body: `${lines.slice(20).join('')}garbage\n`,
      }),
    );
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: config.bucketName,
        Key: key('10', 3),
        Body: reading('outside', 99),
      }),
    );

    const { code, out } = await runReplay([
      '--from',
      '2026-11-23T08:00:00Z',
      '--to',
      '2026-11-23T10:00:00Z',
      '--speed',
      'max',
      '--stream',
      target,
    ]);
    expect(out).toContain('replay: corrupt-record');
    expect(out).toMatch(
      /replay: done — 40 records from 2 objects into .* corrupt records 1, unrecognized keys 0, outside the reading range 0, failed puts 0/,
    );
    expect(code).toBe(0);

    const got = await readAll(target);
    expect(got.map((r) => r.body).sort()).toEqual([...lines].sort());
    for (const r of got) expect(r.key).toBe((JSON.parse(r.body) as { deviceId: string }).deviceId);
  });

  it('says when nothing arrived in the range, and which time --from/--to mean', async () => {
    const target = uniqueName('replayed');
    await clients.kinesis.send(new CreateStreamCommand({ StreamName: target, ShardCount: 1 }));
    await waitStreamActive(clients, target);
    await clients.s3
      .send(new CreateBucketCommand({ Bucket: config.bucketName }))
      .catch(() => undefined); // the first test may have created it
    const { code, out } = await runReplay([
      '--from',
      '1926-01-01T00:00:00Z',
      '--to',
      '2126-01-01T00:00:00Z',
      '--readings-from',
      '2030-01-01T00:00:00Z',
      '--speed',
      'max',
      '--stream',
      target,
    ]);
    expect(out).toMatch(/replay: listing s3:\/\/\S+\/raw\/ · 1 pages · \d+ objects/);
    expect(out).toMatch(
      /replay: done — 0 records from \d+ objects .* outside the reading range \d+/,
    );
    expect(code).toBe(0);
    const empty = await runReplay([
      '--from',
      '2030-01-01T00:00:00Z',
      '--to',
      '2030-01-02T00:00:00Z',
      '--stream',
      target,
    ]);
    expect(empty.out).toContain(
      'replay: no archive objects arrived between 2030-01-01T00:00:00.000Z and 2030-01-02T00:00:00.000Z',
    );
    expect(empty.out).toContain('--from/--to are arrival times');
    expect(empty.code).toBe(0);
  });

  it('refuses a bad time with one line', async () => {
    const { code, out } = await runReplay(['--from', 'yesterday', '--to', '2026-11-23T10:00:00Z']);
    expect(out.trim()).toBe('shardflow: --from must be an ISO time, got yesterday');
    expect(code).toBe(1);
  });
});
