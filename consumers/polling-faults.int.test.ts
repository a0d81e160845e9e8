/**
 * Polling retrieval under faults the emulator cannot produce, injected by the fault proxy
 * over real HTTP: throttling, 5xx, and an expired iterator. Every record still arrives once,
 * in order.
 */
import {
  CreateStreamCommand,
  ListShardsCommand,
  PutRecordsCommand,
  type _Record,
} from '@aws-sdk/client-kinesis';
import { createAwsClients, type AwsClients } from '../adapters/index.js';
import { loadConfig } from '../core/index.js';
import { waitStreamActive } from '../localstack/index.js';
import { startFaultProxy, type FaultProxy } from '../test/fault-proxy.js';
import { testClients, testConfig, uniqueName } from '../test/helpers.js';
import { PollingReader } from './polling-reader.js';

let proxy: FaultProxy;
let proxied: AwsClients;
const direct = testClients(testConfig());
const stream = uniqueName('faults');
let shardId = '';

beforeAll(async () => {
  proxy = await startFaultProxy({ target: process.env.AWS_ENDPOINT_URL_KINESIS as string });
  proxied = createAwsClients(loadConfig({ ...process.env, AWS_ENDPOINT_URL_KINESIS: proxy.url }), {
    maxAttempts: 1, // the reader's own back-off is under test, not the SDK's
  });
  await direct.kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 1 }));
  await waitStreamActive(direct, stream, 20_000);
  shardId = (await direct.kinesis.send(new ListShardsCommand({ StreamName: stream }))).Shards![0]!
    .ShardId!;
  await direct.kinesis.send(
    new PutRecordsCommand({
      StreamName: stream,
      Records: Array.from({ length: 12 }, (_, i) => ({
        PartitionKey: 'k',
        Data: Buffer.from(String(i)),
      })),
    }),
  );
});
afterAll(async () => {
  proxied.destroy();
  direct.destroy();
  await proxy.close();
});
afterEach(() => proxy.reset());

async function readN(reader: PollingReader, n: number): Promise<string[]> {
  const out: _Record[] = [];
  const signal = AbortSignal.timeout(20_000);
  while (out.length < n) out.push(...(await reader.read(signal)).records);
  return out.map((r) => Buffer.from(r.Data as Uint8Array).toString());
}
const all = Array.from({ length: 12 }, (_, i) => String(i));

describe('PollingReader through the fault proxy', () => {
  it('backs off and retries on throttling and 5xx', async () => {
    const retries: string[] = [];
    const reader = new PollingReader({
      kinesis: proxied.kinesis,
      streamName: stream,
      shardId,
      start: { type: 'TRIM_HORIZON' },
      limit: 4,
      idleTimeMs: 10,
      random: () => 0.1,
      onRetry: (e) => retries.push((e as Error).name),
    });
    proxy.failNext(2, { status: 400, errorType: 'ProvisionedThroughputExceededException' }, [
      'GetRecords',
    ]);
    const first = await reader.read(AbortSignal.timeout(10_000));
    proxy.failNext(1, { status: 500, errorType: 'InternalFailure' }, ['GetRecords']);
    const rest = await readN(reader, 12 - first.records.length);
    expect([
      ...first.records.map((r) => Buffer.from(r.Data as Uint8Array).toString()),
      ...rest,
    ]).toEqual(all);
    expect(retries).toEqual([
      'ProvisionedThroughputExceededException',
      'ProvisionedThroughputExceededException',
      'InternalFailure',
    ]);
  });

  it('recovers from an expired iterator after the last delivered record', async () => {
    const reader = new PollingReader({
      kinesis: proxied.kinesis,
      streamName: stream,
      shardId,
      start: { type: 'TRIM_HORIZON' },
      limit: 5,
      idleTimeMs: 10,
    });
    const iteratorsBefore = proxy.stats.requests.GetShardIterator ?? 0;
    const first = await reader.read(AbortSignal.timeout(10_000));
    expect(first.records).toHaveLength(5);
    proxy.failNext(1, { status: 400, errorType: 'ExpiredIteratorException' }, ['GetRecords']);
    const rest: _Record[] = [];
    while (rest.length < 7) rest.push(...(await reader.read(AbortSignal.timeout(10_000))).records);
    expect(
      [...first.records, ...rest].map((r) => Buffer.from(r.Data as Uint8Array).toString()),
    ).toEqual(all);
    expect((proxy.stats.requests.GetShardIterator ?? 0) - iteratorsBefore).toBe(2);
  });

  it('gives up after maxRetries with the last error', async () => {
    const reader = new PollingReader({
      kinesis: proxied.kinesis,
      streamName: stream,
      shardId,
      start: { type: 'TRIM_HORIZON' },
      maxRetries: 2,
      random: () => 0,
    });
    proxy.failNext(5, { status: 400, errorType: 'ProvisionedThroughputExceededException' }, [
      'GetRecords',
    ]);
    await expect(reader.read(AbortSignal.timeout(10_000))).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
  });
});
