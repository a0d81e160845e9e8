/**
 * `shardflow consume --stream other` against a lease table that belongs to another stream:
 * it exits 1 at once with one line and takes nothing (it used to take the other stream's
 * leases, whose shard ids collide with its own).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { LeaseRefresher, SENTINEL, newLease, sentinel } from '../../consumers/index.js';
import { createStream } from '../../producers/testing/stream-reader.js';
import { testClients, testConfig, uniqueName } from '../../test/helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function shardflow(args: string[]) {
  return new Promise<{ code: number | null; err: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/cli.ts', ...args], {
      cwd: root,
      env: { ...process.env, SHARDFLOW_APP: uniqueName('two'), SHARDFLOW_HTTP_PORT: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    child.on('exit', (code) => {
      clearTimeout(killer);
      resolve({ code, err });
    });
  });
}

describe('two streams, one lease table', () => {
  const aws = testClients(testConfig());
  afterAll(() => aws.destroy());

  it('consume --stream other exits 1 with one line and takes no lease of the first stream', async () => {
    const [first, other, table] = [uniqueName('first'), uniqueName('other'), uniqueName('leases')];
    await createStream(aws.kinesis, first, 2);
    await createStream(aws.kinesis, other, 2);
    const summary = await aws.kinesis.send(new DescribeStreamSummaryCommand({ StreamName: first }));
    const arn = summary.StreamDescriptionSummary!.StreamARN!;
    const leases = new LeaseRefresher({ dynamodb: aws.dynamodb, tableName: table });
    await leases.createTableIfNotExists();
    leases.bindStream(arn);
    for (const id of ['shardId-000000000000', 'shardId-000000000001']) {
      await leases.createLeaseIfNotExists(
        newLease({ ShardId: id, HashKeyRange: undefined }, sentinel(SENTINEL.TRIM_HORIZON)),
      );
    }
    const r = await shardflow(['consume', '--stream', other, '--lease-table', table]);
    const lines = r.err.trim().split('\n');
    expect(lines).toEqual([
      `shardflow: lease table ${table} holds leases of stream ${arn}, not of ${other}: ` +
        'give each stream its own lease table (--lease-table, SHARDFLOW_LEASE_TABLE)',
    ]);
    expect(r.code).toBe(1);
    const items = (await aws.dynamodb.send(new ScanCommand({ TableName: table }))).Items ?? [];
    expect(items.map((i) => [i.leaseKey?.S, i.leaseOwner?.S, i.shardflowStream?.S])).toEqual(
      expect.arrayContaining([
        ['shardId-000000000000', undefined, arn],
        ['shardId-000000000001', undefined, arn],
      ]),
    );
    expect(items).toHaveLength(2);
  }, 60_000);
});
