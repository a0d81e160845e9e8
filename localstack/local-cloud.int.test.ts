import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordCommand,
} from '@aws-sdk/client-kinesis';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { resourcesFor } from '../core/index.js';
import { testClients, testConfig, waitFor } from '../test/helpers.js';
import { bootstrapResources } from './bootstrap.js';
import { isListening } from './ports.js';
import { PortInUseError, startLocalCloud } from './index.js';

/** A process is alive if it exists and is not a zombie awaiting its (re-)parent. */
const alive = (pid: number): boolean => {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};
const portOf = (url: string | undefined): number => Number(new URL(url ?? 'http://x:0').port);

describe('embedded local cloud (shared by the integration run)', () => {
  const config = testConfig({ shardCount: 2 });
  const clients = testClients(config);
  afterAll(() => clients.destroy());

  it('bootstraps every resource idempotently', async () => {
    const first = await bootstrapResources(clients, resourcesFor(config));
    expect(first.created).toEqual([
      `stream:${config.streamName}`,
      `table:${config.leaseTableName}`,
      `table:${config.anomaliesTableName}`,
      `table:${config.predictionsTableName}`,
      `table:${config.readingsTableName}`,
      `bucket:${config.bucketName}`,
    ]);
    const second = await bootstrapResources(clients, resourcesFor(config));
    expect(second.created).toEqual([]);
    expect(second.existing).toHaveLength(6);
  });

  it('reaches Kinesis through the SDK over HTTP: put and read back', async () => {
    const put = await clients.kinesis.send(
      new PutRecordCommand({
        StreamName: config.streamName,
        PartitionKey: 'dev-1',
        Data: Buffer.from('{"a":1}'),
      }),
    );
    const iterator = await clients.kinesis.send(
      new GetShardIteratorCommand({
        StreamName: config.streamName,
        ShardId: put.ShardId,
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        StartingSequenceNumber: put.SequenceNumber,
      }),
    );
    const out = await clients.kinesis.send(
      new GetRecordsCommand({ ShardIterator: iterator.ShardIterator }),
    );
    expect(Buffer.from(out.Records?.[0]?.Data ?? []).toString()).toBe('{"a":1}');
    const shards = await clients.kinesis.send(
      new ListShardsCommand({ StreamName: config.streamName }),
    );
    expect(shards.Shards).toHaveLength(2);
  });

  it('reaches DynamoDB: a conditional write on leaseCounter wins once', async () => {
    const item = { leaseKey: { S: 'shardId-000' }, leaseCounter: { N: '1' } };
    await clients.dynamodb.send(
      new PutItemCommand({ TableName: config.leaseTableName, Item: item }),
    );
    await expect(
      clients.dynamodb.send(
        new PutItemCommand({
          TableName: config.leaseTableName,
          Item: { ...item, leaseCounter: { N: '2' } },
          ConditionExpression: 'leaseCounter = :expected',
          ExpressionAttributeValues: { ':expected': { N: '0' } },
        }),
      ),
    ).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    const got = await clients.dynamodb.send(
      new GetItemCommand({
        TableName: config.leaseTableName,
        Key: { leaseKey: { S: 'shardId-000' } },
      }),
    );
    expect(got.Item?.leaseCounter).toEqual({ N: '1' });
  });

  it('reaches S3 with path-style addressing: put and get', async () => {
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: config.bucketName,
        Key: 'raw/2026/11/23/08/x',
        Body: 'line\n',
      }),
    );
    const got = await clients.s3.send(
      new GetObjectCommand({ Bucket: config.bucketName, Key: 'raw/2026/11/23/08/x' }),
    );
    expect(await got.Body?.transformToString()).toBe('line\n');
  });
});

describe('startLocalCloud lifecycle', () => {
  it('stops cleanly: no process and no port left behind', async () => {
    const cloud = await startLocalCloud({ bootstrap: false });
    const ports = Object.values(cloud.endpoints).map(portOf);
    expect(await Promise.all(ports.map((p) => isListening(p)))).toEqual(ports.map(() => true));
    await cloud.stop();
    expect(await Promise.all(ports.map((p) => isListening(p)))).toEqual(ports.map(() => false));
    expect(cloud.pids.filter(alive)).toEqual([]);
  });

  it('fails with a one-line PORT_IN_USE error when a requested port is taken', async () => {
    const taken = portOf(process.env.AWS_ENDPOINT_URL_DYNAMODB);
    const error = await startLocalCloud({ ports: { dynamodb: taken }, bootstrap: false }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PortInUseError);
    expect((error as Error).message).toBe(`port ${taken} requested for dynamodb is already in use`);
  });

  it('leaves nothing behind when its owner is killed with SIGKILL', async () => {
    const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));

    const owner = spawn(process.execPath, ['--import', 'tsx', cli, '--no-bootstrap', '--json'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    owner.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const info = await waitFor(
      () => {
        const line = out.split('\n').find((l) => l.startsWith('{'));
        return line
          ? (JSON.parse(line) as { endpoints: Record<string, string>; pids: number[] })
          : undefined;
      },
      { timeoutMs: 30_000, what: 'local cloud to start' },
    );
    const ports = Object.values(info.endpoints).map(portOf);
    owner.kill('SIGKILL');
    await waitFor(
      async () => {
        const open = await Promise.all(ports.map((p) => isListening(p)));
        return !open.some(Boolean) && info.pids.every((pid) => !alive(pid));
      },
      { timeoutMs: 15_000, what: 'emulators to exit after their owner died' },
    );
  });
});
