/**
 * The Firehose emulator against documented Firehose behaviour, through the real
 * `@aws-sdk/client-firehose` over HTTP, delivering into the shared local cloud's S3 and
 * reading its Kinesis: key layout, buffering by size and by interval (on an injected
 * clock), GZIP, limits and their errors, throttling as per-record failures, the Kinesis
 * source, and flush on SIGTERM of the real process.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import {
  CreateDeliveryStreamCommand,
  DeleteDeliveryStreamCommand,
  DescribeDeliveryStreamCommand,
  ListDeliveryStreamsCommand,
  PutRecordBatchCommand,
  PutRecordCommand,
  type CreateDeliveryStreamCommandInput,
} from '@aws-sdk/client-firehose';
import { CreateStreamCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createAwsClients, type AwsClients } from '../../adapters/index.js';
import { loadConfig } from '../../core/index.js';
import { uniqueName, waitFor } from '../../test/helpers.js';
import { waitStreamActive } from '../bootstrap.js';
import { kinesisSourceStarter } from './kinesis-source.js';
import { s3Writer } from './s3-writer.js';
import { flushFirehose } from './admin.js';
import { startFirehoseEmulator, type FirehoseEmulator } from './server.js';

const clock = { t: Date.UTC(2026, 10, 23, 7, 30, 0), now: () => clock.t };
const bucket = uniqueName('lake');
let emulator: FirehoseEmulator;
let throttled: FirehoseEmulator;
let aws: AwsClients;
let firehose: AwsClients['firehose'];
let throttledFirehose: AwsClients['firehose'];
const extra: AwsClients[] = [];

const clientsFor = (endpoint: string): AwsClients => {
  const c = createAwsClients(loadConfig({ ...process.env, AWS_ENDPOINT_URL_FIREHOSE: endpoint }), {
    maxAttempts: 1,
  });
  extra.push(c);
  return c;
};

const create = (name: string, over: Partial<CreateDeliveryStreamCommandInput> = {}) =>
  firehose.send(
    new CreateDeliveryStreamCommand({
      DeliveryStreamName: name,
      DeliveryStreamType: 'DirectPut',
      ExtendedS3DestinationConfiguration: {
        RoleARN: 'arn:aws:iam::000000000000:role/firehose',
        BucketARN: `arn:aws:s3:::${bucket}`,
        Prefix: `${name}/`,
        ErrorOutputPrefix: `errors/${name}/`,
        BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 60 },
        CompressionFormat: 'UNCOMPRESSED',
      },
      ...over,
    }),
  );

const list = async (prefix: string): Promise<string[]> => {
  const out = await aws.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key ?? '').sort();
};
const read = async (key: string): Promise<Buffer> => {
  const out = await aws.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
};
/** Everything archived under `prefix`, the objects' text in key order. */
const archivedText = async (prefix: string): Promise<string> =>
  (await Promise.all((await list(prefix)).map(read))).map(String).join('');
/** A stream that buffers (128 MB, 15 minutes): nothing reaches S3 unless flushed. */
const createBuffering = (name: string) =>
  create(name, {
    ExtendedS3DestinationConfiguration: {
      RoleARN: 'arn:aws:iam::000000000000:role/r',
      BucketARN: `arn:aws:s3:::${bucket}`,
      Prefix: `${name}/`,
      BufferingHints: { SizeInMBs: 128, IntervalInSeconds: 900 },
    },
  });
const lines = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => ({ Data: Buffer.from(`{"${tag}":${i}}\n`) }));

beforeAll(async () => {
  aws = createAwsClients(loadConfig(process.env), { maxAttempts: 2 });
  await aws.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const base = { write: s3Writer(aws.s3), clock, tickMs: 20 };
  emulator = await startFirehoseEmulator({
    ...base,
    startSource: kinesisSourceStarter(aws.kinesis, clock, 50),
  });
  throttled = await startFirehoseEmulator({ ...base, recordsPerSecond: 3 });
  firehose = clientsFor(emulator.endpoint).firehose;
  throttledFirehose = clientsFor(throttled.endpoint).firehose;
});

afterAll(async () => {
  await emulator.close();
  await throttled.close();
  for (const c of extra) c.destroy();
  aws.destroy();
});

describe('Firehose emulator: control plane', () => {
  it('creates, describes, lists and deletes with the API shapes and errors', async () => {
    const name = uniqueName('ds');
    const made = await create(name);
    expect(made.DeliveryStreamARN).toBe(
      `arn:aws:firehose:us-east-1:000000000000:deliverystream/${name}`,
    );
    const d = await firehose.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: name }));
    const desc = d.DeliveryStreamDescription!;
    expect(desc.DeliveryStreamStatus).toBe('ACTIVE');
    expect(desc.DeliveryStreamType).toBe('DirectPut');
    expect(desc.CreateTimestamp).toEqual(new Date(clock.t));
    expect(desc.Destinations?.[0]?.ExtendedS3DestinationDescription).toMatchObject({
      BucketARN: `arn:aws:s3:::${bucket}`,
      Prefix: `${name}/`,
      BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 60 },
      CompressionFormat: 'UNCOMPRESSED',
    });
    const listed = await firehose.send(new ListDeliveryStreamsCommand({ Limit: 10_000 }));
    expect(listed.DeliveryStreamNames).toContain(name);
    await expect(create(name)).rejects.toMatchObject({ name: 'ResourceInUseException' });
    await firehose.send(new DeleteDeliveryStreamCommand({ DeliveryStreamName: name }));
    await expect(
      firehose.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: name })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('validates create input like the service', async () => {
    const name = uniqueName('bad');
    const dest = (over: object) => ({
      ExtendedS3DestinationConfiguration: {
        RoleARN: 'arn:aws:iam::000000000000:role/r',
        BucketARN: `arn:aws:s3:::${bucket}`,
        ...over,
      },
    });
    await expect(create(name, dest({ BufferingHints: { SizeInMBs: 129 } }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await expect(create(name, dest({ Prefix: 'p/!{timestamp:yyyy}/' }))).rejects.toMatchObject({
      name: 'InvalidArgumentException',
    });
    await expect(
      create(name, dest({ Prefix: 'p/', ErrorOutputPrefix: 'e/!{firehose:bogus}/' })),
    ).rejects.toMatchObject({ name: 'InvalidArgumentException' });
    await expect(
      create(name, { DeliveryStreamType: 'KinesisStreamAsSource' }),
    ).rejects.toMatchObject({ name: 'InvalidArgumentException' });
  });
});

describe('Firehose emulator: delivery to S3', () => {
  it('buffers until the interval passes, then writes one object under prefix/YYYY/MM/DD/HH/', async () => {
    const name = uniqueName('iv');
    await create(name);
    const put = await firehose.send(
      new PutRecordBatchCommand({ DeliveryStreamName: name, Records: lines(3, 'a') }),
    );
    expect(put.FailedPutCount).toBe(0);
    expect(put.RequestResponses?.every((r) => r.RecordId && !r.ErrorCode)).toBe(true);
    const single = await firehose.send(
      new PutRecordCommand({ DeliveryStreamName: name, Record: lines(1, 'b')[0] }),
    );
    expect(single.RecordId).toBeTruthy();
    await new Promise((r) => setTimeout(r, 150)); // several ticks: nothing is due yet
    expect(await list(`${name}/`)).toEqual([]);
    clock.t += 60_000;
    const [key] = await waitFor(async () => {
      const keys = await list(`${name}/`);
      return keys.length > 0 && keys;
    });
    expect(key).toMatch(
      new RegExp(`^${name}/2026/11/23/07/${name}-1-2026-11-23-07-30-00-[0-9a-f-]{36}$`),
    );
    expect((await read(key!)).toString()).toBe('{"a":0}\n{"a":1}\n{"a":2}\n{"b":0}\n');
  });

  it('delivers when the size hint is reached, without waiting for the interval; GZIP adds .gz', async () => {
    const name = uniqueName('sz');
    await create(name, {
      ExtendedS3DestinationConfiguration: {
        RoleARN: 'arn:aws:iam::000000000000:role/r',
        BucketARN: `arn:aws:s3:::${bucket}`,
        Prefix: `${name}/!{timestamp:yyyy}-!{timestamp:MM}/`,
        ErrorOutputPrefix: `${name}-errors/!{firehose:error-output-type}/`,
        BufferingHints: { SizeInMBs: 1, IntervalInSeconds: 900 },
        CompressionFormat: 'GZIP',
      },
    });
    const big = (c: string) => ({ Data: Buffer.alloc(600 * 1024, c) });
    await firehose.send(
      new PutRecordBatchCommand({ DeliveryStreamName: name, Records: [big('x')] }),
    );
    await new Promise((r) => setTimeout(r, 100));
    expect(await list(`${name}/`)).toEqual([]);
    await firehose.send(
      new PutRecordBatchCommand({ DeliveryStreamName: name, Records: [big('y')] }),
    );
    const [key] = await waitFor(async () => {
      const keys = await list(`${name}/`);
      return keys.length > 0 && keys;
    });
    // A prefix with expressions is used as evaluated: no YYYY/MM/DD/HH/ appended.
    expect(key).toMatch(
      new RegExp(`^${name}/2026-11/${name}-1-2026-11-23-\\d\\d-\\d\\d-\\d\\d-.+\\.gz$`),
    );
    const body = gunzipSync(await read(key!));
    expect(body.length).toBe(1200 * 1024);
    expect(body[0]).toBe('x'.charCodeAt(0));
    expect(body[body.length - 1]).toBe('y'.charCodeAt(0));
  });

  it('delivers what is buffered when a stream is deleted', async () => {
    const name = uniqueName('del');
    await create(name);
    await firehose.send(
      new PutRecordBatchCommand({ DeliveryStreamName: name, Records: lines(2, 'd') }),
    );
    await firehose.send(new DeleteDeliveryStreamCommand({ DeliveryStreamName: name }));
    const keys = await list(`${name}/`);
    expect(keys).toHaveLength(1);
    expect((await read(keys[0]!)).toString()).toBe('{"d":0}\n{"d":1}\n');
  });
});

describe('Firehose emulator: documented limits and errors', () => {
  const name = uniqueName('lim');
  beforeAll(() => create(name));

  it('rejects 501 records, a record over 1,000 KiB (ValidationException) and 4 MiB+ (InvalidArgumentException)', async () => {
    await expect(
      firehose.send(
        new PutRecordBatchCommand({ DeliveryStreamName: name, Records: lines(501, 'n') }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      firehose.send(
        new PutRecordCommand({
          DeliveryStreamName: name,
          Record: { Data: Buffer.alloc(1_024_001) },
        }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    const records = Array.from({ length: 5 }, () => ({ Data: Buffer.alloc(900 * 1024) }));
    await expect(
      firehose.send(new PutRecordBatchCommand({ DeliveryStreamName: name, Records: records })),
    ).rejects.toMatchObject({
      name: 'InvalidArgumentException',
      message: 'Records size exceeds 4 MB limit',
    });
    await expect(
      firehose.send(
        new PutRecordBatchCommand({ DeliveryStreamName: 'nope', Records: lines(1, 'n') }),
      ),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('over its record quota answers per-record ServiceUnavailableException in a 200 response', async () => {
    const t = uniqueName('thr');
    await throttledFirehose.send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: t,
        ExtendedS3DestinationConfiguration: {
          RoleARN: 'arn:aws:iam::000000000000:role/r',
          BucketARN: `arn:aws:s3:::${bucket}`,
          Prefix: `${t}/`,
        },
      }),
    );
    const out = await throttledFirehose.send(
      new PutRecordBatchCommand({ DeliveryStreamName: t, Records: lines(5, 't') }),
    );
    expect(out.FailedPutCount).toBe(2);
    expect(out.RequestResponses?.map((r) => r.ErrorCode ?? 'ok')).toEqual([
      'ok',
      'ok',
      'ok',
      'ServiceUnavailableException',
      'ServiceUnavailableException',
    ]);
    await throttledFirehose.send(new DeleteDeliveryStreamCommand({ DeliveryStreamName: t }));
    const keys = await list(`${t}/`);
    expect((await read(keys[0]!)).toString()).toBe('{"t":0}\n{"t":1}\n{"t":2}\n');
  });
});

describe('Firehose emulator: Kinesis stream as source', () => {
  it('archives every record put to the stream after creation and refuses PutRecord', async () => {
    const stream = uniqueName('src');
    await aws.kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 2 }));
    await waitStreamActive(aws, stream);
    const name = uniqueName('arch');
    const realNow = clock.t;
    clock.t = Date.now(); // AT_TIMESTAMP of creation must be real time for Kinesis
    await create(name, {
      DeliveryStreamType: 'KinesisStreamAsSource',
      KinesisStreamSourceConfiguration: {
        KinesisStreamARN: `arn:aws:kinesis:us-east-1:000000000000:stream/${stream}`,
        RoleARN: 'arn:aws:iam::000000000000:role/r',
      },
    });
    await expect(
      firehose.send(new PutRecordCommand({ DeliveryStreamName: name, Record: lines(1, 'x')[0] })),
    ).rejects.toMatchObject({ name: 'InvalidArgumentException' });
    const entries = Array.from({ length: 20 }, (_, i) => ({
      PartitionKey: `dev-${i % 5}`,
      Data: Buffer.from(`{"k":${i}}\n`),
    }));
    await aws.kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: entries }));
    await waitFor(() => (emulator.api.stream(name)?.pending ?? 0) >= 20, {
      what: 'source records in the buffer',
    });
    clock.t += 61_000;
    const keys = await waitFor(async () => {
      const k = await list(`${name}/`);
      return k.length > 0 && k;
    });
    const archived = (await Promise.all(keys.map(read))).map(String).join('').trim().split('\n');
    expect(archived.sort()).toEqual(entries.map((e) => e.Data.toString().trim()).sort());
    await firehose.send(new DeleteDeliveryStreamCommand({ DeliveryStreamName: name }));
    clock.t = realNow;
  });
});

/** Starts `main.ts` as a process; resolves with its endpoint once it listens. */
async function startProcess(args: readonly string[]) {
  const main = fileURLToPath(new URL('./main.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', main, '--s3-endpoint', process.env.AWS_ENDPOINT_URL_S3!, ...args],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const endpoint = await waitFor(() => /listening on (\S+)/.exec(out)?.[1], {
    what: 'emulator to listen',
  });
  return { child, endpoint, exited };
}

describe('Firehose emulator process', () => {
  it('with --data-dir, keeps what it acknowledged across SIGKILL and delivers it after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fh-data-'));
    const first = await startProcess(['--data-dir', dataDir, '--port', '0']);
    let second: Awaited<ReturnType<typeof startProcess>> | undefined;
    try {
      const name = uniqueName('crash');
      firehose = clientsFor(first.endpoint).firehose;
      await createBuffering(name);
      const put = await firehose.send(
        new PutRecordBatchCommand({ DeliveryStreamName: name, Records: lines(20, 'k') }),
      );
      expect(put.FailedPutCount).toBe(0);
      first.child.kill('SIGKILL');
      await first.exited;
      expect(await list(`${name}/`)).toEqual([]);
      second = await startProcess(['--data-dir', dataDir]);
      firehose = clientsFor(second.endpoint).firehose;
      const d = await firehose.send(
        new DescribeDeliveryStreamCommand({ DeliveryStreamName: name }),
      );
      expect(d.DeliveryStreamDescription?.DeliveryStreamStatus).toBe('ACTIVE');
      expect((await flushFirehose(second.endpoint))[name]).toMatchObject({
        pending: 0,
        records: 20,
      });
      expect(await archivedText(`${name}/`)).toBe(
        lines(20, 'k')
          .map((l) => l.Data.toString())
          .join(''),
      );
    } finally {
      if (first.child.exitCode === null) first.child.kill('SIGKILL');
      if (second && second.child.exitCode === null) second.child.kill('SIGKILL');
      firehose = clientsFor(emulator.endpoint).firehose;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('delivers everything it acknowledged when stopped with SIGTERM', async () => {
    const { child, endpoint, exited } = await startProcess(['--tick-ms', '50']);
    try {
      firehose = clientsFor(endpoint).firehose;
      const name = uniqueName('term');
      await createBuffering(name);
      const put = await firehose.send(
        new PutRecordBatchCommand({ DeliveryStreamName: name, Records: lines(50, 's') }),
      );
      expect(put.FailedPutCount).toBe(0);
      expect(await list(`${name}/`)).toEqual([]);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(await archivedText(`${name}/`)).toBe(
        lines(50, 's')
          .map((l) => l.Data.toString())
          .join(''),
      );
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      firehose = clientsFor(emulator.endpoint).firehose;
    }
  });
});
