import { UpdateShardCountCommand } from '@aws-sdk/client-kinesis';
import { createAwsClients, type AwsClients } from '../adapters/index.js';
import { loadConfig } from '../core/index.js';
import { startFaultProxy, type FaultProxy } from '../test/fault-proxy.js';
import { testClients, testConfig, uniqueName } from '../test/helpers.js';
import { RecordRejectedError } from './errors.js';
import { sdkWriter } from './kinesis-writer.js';
import { KinesisProducer } from './producer.js';
import type { KinesisProducerOptions } from './producer-options.js';
import type { ProducerEvent } from './producer-events.js';
import { createStream, listAllShards, readAll } from './testing/stream-reader.js';

describe('KinesisProducer against kinesis-local (through a fault proxy)', () => {
  let direct: AwsClients;
  let proxy: FaultProxy;
  let proxied: AwsClients;

  beforeAll(async () => {
    direct = testClients(testConfig());
    proxy = await startFaultProxy({ target: process.env.AWS_ENDPOINT_URL_KINESIS! });
    // The SDK's own retries are off: every retry below is the producer's.
    proxied = createAwsClients(
      loadConfig({ ...process.env, AWS_ENDPOINT_URL_KINESIS: proxy.url }),
      { maxAttempts: 1 },
    );
  });
  afterAll(async () => {
    direct.destroy();
    proxied.destroy();
    await proxy.close();
  });
  afterEach(() => proxy.reset());

  const producerFor = (stream: string, options: Partial<KinesisProducerOptions> = {}) =>
    new KinesisProducer({
      writer: sdkWriter(proxied.kinesis, stream),
      lingerMs: 20,
      backoff: { initialDelayMs: 10, maxDelayMs: 100 },
      ...options,
    });
  const payload = (i: number) => JSON.stringify({ id: i, pad: 'x'.repeat(i % 50) });

  it('retries only the failed entries of partial failures and whole-call errors until delivered', async () => {
    const stream = uniqueName('partial');
    await createStream(direct.kinesis, stream, 2);
    const events: ProducerEvent[] = [];
    const producer = producerFor(stream, { aggregate: false, onEvent: (e) => events.push(e) });
    proxy.failPutRecordEntries({ fraction: 0.3, calls: 6 });
    proxy.failNext(1, { status: 500, errorType: 'InternalFailure' }, ['PutRecords']);
    proxy.failNext(1, { status: 400, errorType: 'ProvisionedThroughputExceededException' }, [
      'PutRecords',
    ]);
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        producer.put({ partitionKey: `d${i % 17}`, data: payload(i) }),
      ),
    );
    await producer.close();
    expect(results).toHaveLength(300);
    expect(proxy.stats.failedEntries).toBeGreaterThan(0);
    expect(proxy.stats.failedRequests).toBe(2);
    expect(producer.stats().retries).toBeGreaterThanOrEqual(proxy.stats.failedEntries);
    expect(events.some((e) => e.type === 'producer.throttled')).toBe(true);
    const back = await readAll(direct.kinesis, stream);
    // Exactly once: failed entries were never written, and were retried.
    expect(back.map((r) => JSON.parse(r.data.toString()).id).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 300 }, (_, i) => i),
    );
  });

  it('reports a record that exhausts its retries as failed with the reason', async () => {
    const stream = uniqueName('exhaust');
    await createStream(direct.kinesis, stream, 1);
    const producer = producerFor(stream, { retries: 2 });
    proxy.failFraction(1, { status: 400, errorType: 'ProvisionedThroughputExceededException' }, [
      'PutRecords',
    ]);
    await expect(producer.put({ partitionKey: 'k', data: 'x' })).rejects.toMatchObject({
      reason: 'RETRIES_EXHAUSTED',
      attempts: 3,
      lastErrorCode: 'ProvisionedThroughputExceededException',
    });
    proxy.reset();
    await producer.close();
    expect(producer.stats()).toMatchObject({ failed: 1, delivered: 0 });
  });

  it('fails records for a stream that does not exist at once, with the AWS error', async () => {
    const producer = producerFor(uniqueName('missing'));
    await expect(producer.put({ partitionKey: 'k', data: 'x' })).rejects.toMatchObject({
      reason: 'NON_RETRIABLE',
      lastErrorCode: 'ResourceNotFoundException',
    });
    await producer.close();
  });

  it('writes KPL aggregates that aws-kinesis-agg reads back unchanged, never straddling shards', async () => {
    const stream = uniqueName('agg');
    await createStream(direct.kinesis, stream, 3);
    const producer = producerFor(stream);
    const sent = Array.from({ length: 400 }, (_, i) => ({
      partitionKey: `dev-${i % 23}`,
      data: payload(i),
    }));
    const results = await Promise.all(sent.map((r) => producer.put(r)));
    await producer.close();
    const back = await readAll(direct.kinesis, stream);
    expect(back).toHaveLength(400);
    expect(new Set(results.map((r) => r.sequenceNumber)).size).toBeLessThan(20); // aggregated
    expect(back.every((r) => r.inRange)).toBe(true);
    const byId = new Map(back.map((r) => [JSON.parse(r.data.toString()).id as number, r]));
    sent.forEach((s, i) => {
      expect(byId.get(i)?.partitionKey).toBe(s.partitionKey);
      expect(byId.get(i)?.data.toString()).toBe(s.data);
      expect(byId.get(i)?.shardId).toBe(results[i]!.shardId);
    });
  });

  it('rejects records over the limits before sending anything', async () => {
    const stream = uniqueName('limits');
    const producer = producerFor(stream);
    const before = proxy.stats.requests.PutRecords ?? 0;
    await expect(
      producer.put({ partitionKey: 'k', data: new Uint8Array(1024 * 1024) }),
    ).rejects.toBeInstanceOf(RecordRejectedError);
    await producer.close();
    expect(proxy.stats.requests.PutRecords ?? 0).toBe(before);
  });

  it('close() delivers everything buffered', async () => {
    const stream = uniqueName('close');
    await createStream(direct.kinesis, stream, 2);
    const producer = producerFor(stream, { lingerMs: 60_000 });
    for (let i = 0; i < 250; i += 1) void producer.put({ partitionKey: `k${i}`, data: payload(i) });
    await producer.close();
    expect(producer.stats()).toMatchObject({ accepted: 250, delivered: 250, buffered: 0 });
    expect(await readAll(direct.kinesis, stream)).toHaveLength(250);
  });

  it('keeps strict per-key order in ordering mode, even when calls fail and are retried', async () => {
    const stream = uniqueName('ordered');
    await createStream(direct.kinesis, stream, 2);
    const producer = producerFor(stream, { ordering: 'perPartitionKey', aggregate: false });
    const batchCallsBefore = proxy.stats.requests.PutRecords ?? 0;
    proxy.failFraction(0.25, { status: 500, errorType: 'InternalFailure' }, ['PutRecord']);
    const puts = Array.from({ length: 120 }, (_, i) =>
      producer.put({ partitionKey: `key-${i % 3}`, data: JSON.stringify({ key: i % 3, n: i }) }),
    );
    await Promise.all(puts);
    await producer.close();
    expect(proxy.stats.failedRequests).toBeGreaterThan(0);
    expect(proxy.stats.requests.PutRecords ?? 0).toBe(batchCallsBefore); // PutRecord only
    const back = (await readAll(direct.kinesis, stream)).map((r) => JSON.parse(r.data.toString()));
    for (const key of [0, 1, 2]) {
      const ns = back.filter((r) => r.key === key).map((r) => r.n as number);
      expect(ns).toEqual(Array.from({ length: 40 }, (_, j) => key + 3 * j));
    }
  });

  it('loses nothing while the stream is resharded under it (UpdateShardCount 2 → 4), even for a KCL', async () => {
    const stream = uniqueName('reshard');
    await createStream(direct.kinesis, stream, 2);
    const events: ProducerEvent[] = [];
    const producer = producerFor(stream, { onEvent: (e) => events.push(e) });
    const puts: Promise<unknown>[] = [];
    let resharded = false;
    for (let i = 0; i < 600; i += 1) {
      puts.push(producer.put({ partitionKey: `dev-${i % 40}`, data: payload(i) }));
      if (i % 50 === 49) await new Promise((r) => setTimeout(r, 30));
      if (i === 200) {
        await direct.kinesis.send(
          new UpdateShardCountCommand({
            StreamName: stream,
            TargetShardCount: 4,
            ScalingType: 'UNIFORM_SCALING',
          }),
        );
        resharded = true;
      }
    }
    await Promise.all(puts);
    await producer.close();
    expect(resharded).toBe(true);
    const shards = await listAllShards(direct.kinesis, stream);
    expect(shards.length).toBeGreaterThan(2);
    const back = await readAll(direct.kinesis, stream);
    const ids = new Set(back.map((r) => JSON.parse(r.data.toString()).id));
    expect(ids.size).toBe(600);
    // Every user record read from outside its shard's range was reported as straddling.
    const reported = events.reduce(
      (n, e) => n + (e.type === 'producer.straddle' ? e.records : 0),
      0,
    );
    expect(reported).toBe(back.filter((r) => !r.inRange).length);
    expect(producer.stats().resent).toBe(reported);
    // …and re-sent, so a reader that drops out-of-range records (the Java KCL) still sees all.
    const kclVisible = new Set(
      back.filter((r) => r.inRange).map((r) => JSON.parse(r.data.toString()).id),
    );
    expect(kclVisible.size).toBe(600);
    expect(events.filter((e) => e.type === 'producer.shard-map').length).toBeGreaterThanOrEqual(2);
  });
});
