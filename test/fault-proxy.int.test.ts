import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListStreamsCommand,
  PutRecordsCommand,
} from '@aws-sdk/client-kinesis';
import { createAwsClients, type AwsClients } from '../adapters/index.js';
import { loadConfig } from '../core/index.js';
import { waitStreamActive } from '../localstack/index.js';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { uniqueName } from './helpers.js';

describe('fault proxy in front of kinesis-local', () => {
  let proxy: FaultProxy;
  let clients: AwsClients;
  let client: KinesisClient;

  beforeAll(async () => {
    proxy = await startFaultProxy({ target: process.env.AWS_ENDPOINT_URL_KINESIS! });
    const config = loadConfig({ ...process.env, AWS_ENDPOINT_URL_KINESIS: proxy.url });
    clients = createAwsClients(config, { maxAttempts: 1 });
    client = clients.kinesis;
  });
  afterAll(async () => {
    clients.destroy();
    await proxy.close();
  });
  afterEach(() => proxy.reset());

  it('answers the next requests with an AWS error the SDK recognises', async () => {
    proxy.failNext(1, { status: 400, errorType: 'ProvisionedThroughputExceededException' });
    await expect(client.send(new ListStreamsCommand({}))).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
    await expect(client.send(new ListStreamsCommand({}))).resolves.toBeDefined();
    expect(proxy.stats.failedRequests).toBe(1);
  });

  it('fails chosen PutRecords entries without writing them', async () => {
    const stream = uniqueName('proxy');
    await client.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 1 }));
    await waitStreamActive(clients, stream);
    proxy.failPutRecordEntries({ indexes: [1, 3], calls: 1 });
    const out = await client.send(
      new PutRecordsCommand({
        StreamName: stream,
        Records: [0, 1, 2, 3, 4].map((i) => ({
          PartitionKey: `k${i}`,
          Data: Buffer.from(`r${i}`),
        })),
      }),
    );
    expect(out.FailedRecordCount).toBe(2);
    expect(out.Records?.map((r) => r.ErrorCode ?? 'ok')).toEqual([
      'ok',
      'ProvisionedThroughputExceededException',
      'ok',
      'ProvisionedThroughputExceededException',
      'ok',
    ]);
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({
        StreamName: stream,
        ShardId: out.Records![0]!.ShardId!,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const got = await client.send(new GetRecordsCommand({ ShardIterator }));
    expect(got.Records?.map((r) => Buffer.from(r.Data!).toString())).toEqual(['r0', 'r2', 'r4']);
  });
});
