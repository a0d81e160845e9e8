/**
 * The Firehose and dead-letter sinks against the Firehose emulator (writing into the shared
 * cloud's S3), through the real SDK over HTTP. Partial failures come from the emulator's
 * documented per-stream record quota (per-record `ServiceUnavailableException` in a 200
 * answer); whole-call 5xx from the fault-injecting proxy. The S3 objects prove each item
 * landed exactly once: only failed entries were re-sent.
 */
import { CreateDeliveryStreamCommand, DeleteDeliveryStreamCommand } from '@aws-sdk/client-firehose';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createAwsClients, type AwsClients } from '../adapters/index.js';
import { loadConfig } from '../core/index.js';
import { s3Writer } from '../localstack/firehose/s3-writer.js';
import { startFirehoseEmulator, type FirehoseEmulator } from '../localstack/firehose/server.js';
import { PositionSet, deadLetter, traced, type Traced } from '../core/index.js';
import { startFaultProxy, type FaultProxy } from '../test/fault-proxy.js';
import { uniqueName } from '../test/helpers.js';
import { createDeadLetterSink } from './dead-letter-sink.js';
import { createFirehoseSink } from './firehose-sink.js';
import type { SinkEvent } from './sink.js';

const clock = { t: Date.UTC(2026, 10, 23, 8, 0, 0), now: () => clock.t };
const bucket = uniqueName('sinks');
let emulator: FirehoseEmulator;
let proxy: FaultProxy;
let aws: AwsClients;
const made: AwsClients[] = [];

const firehoseAt = (endpoint: string) => {
  const c = createAwsClients(loadConfig({ ...process.env, AWS_ENDPOINT_URL_FIREHOSE: endpoint }), {
    maxAttempts: 1,
  });
  made.push(c);
  return c.firehose;
};
const noWait = { random: () => 0.5, sleep: async () => undefined };

async function createStream(prefix: string): Promise<string> {
  const name = uniqueName('fs');
  await firehoseAt(emulator.endpoint).send(
    new CreateDeliveryStreamCommand({
      DeliveryStreamName: name,
      ExtendedS3DestinationConfiguration: {
        RoleARN: 'arn:aws:iam::000000000000:role/r',
        BucketARN: `arn:aws:s3:::${bucket}`,
        Prefix: `${prefix}${name}/`,
        BufferingHints: { SizeInMBs: 128, IntervalInSeconds: 900 },
      },
    }),
  );
  return name;
}

/** Deletes the stream (which delivers its buffer) and returns the lines it wrote to S3. */
async function deliveredLines(name: string, prefix = ''): Promise<string[]> {
  await firehoseAt(emulator.endpoint).send(
    new DeleteDeliveryStreamCommand({ DeliveryStreamName: name }),
  );
  const listed = await aws.s3.send(
    new ListObjectsV2Command({ Bucket: bucket, Prefix: `${prefix}${name}/` }),
  );
  const bodies = await Promise.all(
    (listed.Contents ?? []).map(async (o) => {
      const got = await aws.s3.send(new GetObjectCommand({ Bucket: bucket, Key: o.Key }));
      return got.Body!.transformToString();
    }),
  );
  return bodies.join('').split('\n').filter(Boolean);
}

const items = (n: number, shard = 'shardId-000000000000'): Traced<{ i: number }>[] =>
  Array.from({ length: n }, (_, i) => traced({ i }, PositionSet.single(shard, i)));

beforeAll(async () => {
  aws = createAwsClients(loadConfig(process.env), { maxAttempts: 2 });
  await aws.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  emulator = await startFirehoseEmulator({
    write: s3Writer(aws.s3),
    clock,
    tickMs: 1_000,
    recordsPerSecond: 300,
  });
  proxy = await startFaultProxy({ target: emulator.endpoint });
});

afterAll(async () => {
  await proxy.close();
  await emulator.close();
  for (const c of made) c.destroy();
  aws.destroy();
});

describe('Firehose sink', () => {
  it('writes 1,200 items in ≤ 500-record calls, re-sending only throttled entries', async () => {
    const name = await createStream('');
    const events: SinkEvent[] = [];
    const sink = createFirehoseSink<{ i: number }>({
      client: firehoseAt(emulator.endpoint),
      deliveryStreamName: name,
      // Each back-off lets a second pass on the emulator's clock: its quota refills.
      retry: { random: () => 0.5, sleep: async () => void (clock.t += 1_000), retries: 10 },
      onEvent: (e) => events.push(e),
    });
    const result = await sink.write(items(1_200));
    expect(result.failures).toEqual([]);
    expect(result.written).toBe(1_200);
    expect(result.durable.equals(PositionSet.range('shardId-000000000000', 0, 1_199))).toBe(true);
    expect(events.filter((e) => e.type === 'sink.retry').length).toBeGreaterThan(0);
    const lines = await deliveredLines(name);
    expect(lines).toHaveLength(1_200); // a re-sent success would show up twice
    expect(new Set(lines).size).toBe(1_200);
    expect(lines.map((l) => (JSON.parse(l) as { i: number }).i).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 1_200 }, (_, i) => i),
    );
  });

  it('retries whole calls failed with 5xx (fault proxy) and then succeeds', async () => {
    const name = await createStream('');
    proxy.failNext(2, { status: 500, errorType: 'ServiceUnavailableException' }, [
      'PutRecordBatch',
    ]);
    const before = proxy.stats.failedRequests;
    const sink = createFirehoseSink({
      client: firehoseAt(proxy.url),
      deliveryStreamName: name,
      retry: noWait,
    });
    const result = await sink.write(items(10));
    expect(proxy.stats.failedRequests - before).toBe(2);
    expect(result.failures).toEqual([]);
    expect(result.durable.size).toBe(10);
    expect(await deliveredLines(name)).toHaveLength(10);
  });

  it('reports persistent throttling as retriable per-item failures and acknowledges only the rest', async () => {
    const name = await createStream('');
    clock.t += 10_000; // full quota: 300 records
    const sink = createFirehoseSink({
      client: firehoseAt(emulator.endpoint),
      deliveryStreamName: name,
      retry: { ...noWait, retries: 2 },
    });
    const result = await sink.write(items(305));
    expect(result.written).toBe(300);
    expect(result.failures).toHaveLength(5);
    expect(result.failures[0]).toMatchObject({
      code: 'ServiceUnavailableException',
      retriable: true,
    });
    const failed = PositionSet.unionAll(result.failures.map((f) => f.item.positions));
    expect([...failed].every((p) => !result.durable.has(p.shardId, p.ordinal))).toBe(true);
    expect(result.durable.size).toBe(300);
    clock.t += 10_000;
  });

  it('fails an oversized record alone and a missing stream as non-retriable, acknowledging nothing of them', async () => {
    const name = await createStream('');
    const sink = createFirehoseSink<string>({
      client: firehoseAt(emulator.endpoint),
      deliveryStreamName: name,
      serialize: (s) => s,
      retry: noWait,
    });
    const result = await sink.write([
      traced('small', PositionSet.single('s', 1)),
      traced('x'.repeat(1_024_000), PositionSet.single('s', 2)),
    ]);
    expect(result.failures.map((f) => [f.code, f.retriable])).toEqual([
      ['RECORD_TOO_LARGE', false],
    ]);
    expect(result.durable.toJSON()).toEqual({ s: [[1, 1]] });
    const missing = createFirehoseSink({
      client: firehoseAt(emulator.endpoint),
      deliveryStreamName: 'no-such-stream',
      retry: noWait,
    });
    const out = await missing.write(items(3));
    expect(out.durable.isEmpty).toBe(true);
    expect(out.failures.map((f) => [f.code, f.retriable])).toEqual(
      Array(3).fill(['ResourceNotFoundException', false]),
    );
  });
});

describe('dead-letter sink', () => {
  it('lands reason, source positions and raw payload under dead-letters/', async () => {
    const name = await createStream('dead-letters/');
    const sink = createDeadLetterSink({
      client: firehoseAt(emulator.endpoint),
      deliveryStreamName: name,
      pipeline: 'devices',
      clock: () => Date.UTC(2026, 10, 23, 8),
      retry: noWait,
    });
    const letters = [
      deadLetter(
        'invalid-json',
        'Unexpected token',
        Uint8Array.of(0x7b, 0xff),
        PositionSet.single('shardId-1', 7),
      ),
      deadLetter(
        'late',
        'window closed',
        { deviceId: 'D1', ts: '2026-11-23T07:00:00Z' },
        PositionSet.range('shardId-2', 3, 4),
      ),
    ];
    const result = await sink.write(letters);
    expect(result.failures).toEqual([]);
    expect(result.durable.toJSON()).toEqual({ 'shardId-1': [[7, 7]], 'shardId-2': [[3, 4]] });
    const lines = (await deliveredLines(name, 'dead-letters/')).map((l) => JSON.parse(l) as object);
    expect(lines).toEqual([
      {
        reason: 'invalid-json',
        detail: 'Unexpected token',
        positions: { 'shardId-1': [[7, 7]] },
        raw: { base64: 'e/8=' },
        at: '2026-11-23T08:00:00.000Z',
        pipeline: 'devices',
      },
      {
        reason: 'late',
        detail: 'window closed',
        positions: { 'shardId-2': [[3, 4]] },
        raw: { deviceId: 'D1', ts: '2026-11-23T07:00:00Z' },
        at: '2026-11-23T08:00:00.000Z',
        pipeline: 'devices',
      },
    ]);
  });
});
