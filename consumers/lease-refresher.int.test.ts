import {
  CreateTableCommand,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { testClients, testConfig, uniqueName } from '../test/helpers.js';
import { SENTINEL, sentinel, type Lease } from './lease.js';
import { LeaseLostError, LeaseRefresher } from './lease-refresher.js';

const config = testConfig();
const aws = testClients(config);
const tableName = uniqueName('leases');
const refresher = new LeaseRefresher({ dynamodb: aws.dynamodb, tableName });
const base: Lease = {
  leaseKey: 'shardId-000000000000',
  leaseCounter: 0,
  checkpoint: sentinel(SENTINEL.TRIM_HORIZON),
  ownerSwitchesSinceCheckpoint: 0,
  parentShardIds: [],
  childShardIds: [],
};

beforeAll(async () => {
  await aws.dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      AttributeDefinitions: [{ AttributeName: 'leaseKey', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'leaseKey', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
});
afterAll(() => aws.destroy());

const put = (Item: Record<string, AttributeValue>) =>
  aws.dynamodb.send(new PutItemCommand({ TableName: tableName, Item }));
const raw = async (key: string) =>
  (
    await aws.dynamodb.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { leaseKey: { S: key } },
        ConsistentRead: true,
      }),
    )
  ).Item;

/** The non-lease items a KCL 3.5 application keeps in its lease table. */
const KCL35_ITEMS: Record<string, AttributeValue>[] = [
  {
    leaseKey: { S: 'Leader' },
    entityType: { S: 'LEADER' },
    ownerName: { S: 'java-worker-1' },
    leaseDuration: { S: '20000' },
    recordVersionNumber: { S: 'a1b2' },
  },
  {
    leaseKey: { S: 'Migration3.0' },
    entityType: { S: 'CLIENT_VERSION_MIGRATION' },
    cv: { S: 'CLIENT_VERSION_3x' },
  },
  { leaseKey: { S: 'TableMigration3.5' }, entityType: { S: 'TABLE_MIGRATION' }, st: { S: 'DONE' } },
  {
    leaseKey: { S: 'java-worker-1' },
    entityType: { S: 'WORKER_METRIC_STATS' },
    lut: { N: '1700000000' },
  },
];

describe('LeaseRefresher on dynalite', () => {
  it('takes, renews, checkpoints, hands off and evicts with conditional writes', async () => {
    expect(await refresher.createLeaseIfNotExists(base)).toBe(true);
    expect(await refresher.createLeaseIfNotExists(base)).toBe(false);

    const taken = await refresher.takeLease(base, 'a');
    expect(taken).toMatchObject({
      leaseOwner: 'a',
      leaseCounter: 1,
      ownerSwitchesSinceCheckpoint: 1,
    });
    // a second taker that saw counter 0 loses
    await expect(refresher.takeLease(base, 'b')).rejects.toBeInstanceOf(LeaseLostError);

    const renewed = await refresher.renewLease(taken, 'a');
    expect(renewed.leaseCounter).toBe(2);
    await expect(refresher.renewLease(taken, 'a')).rejects.toBeInstanceOf(LeaseLostError);
    await expect(refresher.renewLease(renewed, 'b')).rejects.toBeInstanceOf(LeaseLostError);

    const cp = { sequenceNumber: '49590000000000000000000000001', subSequenceNumber: 2 };
    const checkpointed = await refresher.updateCheckpoint(renewed, 'a', cp);
    expect(checkpointed).toMatchObject({
      checkpoint: cp,
      ownerSwitchesSinceCheckpoint: 0,
      leaseCounter: 3,
    });

    const handed = await refresher.initiateHandoff(checkpointed, 'b');
    expect(handed).toMatchObject({ leaseOwner: 'b', checkpointOwner: 'a' });
    // the previous owner may still checkpoint during the hand-off, then completes it
    const cp2 = { ...cp, subSequenceNumber: 5 };
    const last = await refresher.updateCheckpoint(handed, 'a', cp2);
    const done = await refresher.completeHandoff(last, 'a');
    expect(done.checkpointOwner).toBeUndefined();
    expect(done.checkpoint).toEqual(cp2);
    // after the hand-off the old owner can no longer write
    await expect(refresher.updateCheckpoint(done, 'a', cp2)).rejects.toBeInstanceOf(LeaseLostError);

    const evicted = await refresher.evictLease(done, 'b');
    expect(evicted.leaseOwner).toBeUndefined();
    const [listed] = await refresher.listLeases();
    expect(listed).toEqual(evicted);

    await refresher.deleteLease(base.leaseKey);
    expect(await refresher.listLeases()).toEqual([]);
  });

  it('lets exactly one of several racing takers win', async () => {
    const lease = { ...base, leaseKey: 'shardId-000000000009' };
    await refresher.createLeaseIfNotExists(lease);
    const results = await Promise.allSettled(
      ['a', 'b', 'c', 'd'].map((w) => refresher.takeLease(lease, w)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('skips KCL 3.5 non-lease items on every read and never modifies or deletes them', async () => {
    const table = new LeaseRefresher({ dynamodb: aws.dynamodb, tableName: uniqueName('kcl35') });
    await table.createTableIfNotExists();
    for (const Item of KCL35_ITEMS) {
      await aws.dynamodb.send(new PutItemCommand({ TableName: table.table, Item }));
    }
    await table.createLeaseIfNotExists(base);
    expect((await table.listLeases()).map((l) => l.leaseKey)).toEqual([base.leaseKey]);
    expect([...(await table.scanTable()).others].sort()).toEqual(
      ['Leader', 'Migration3.0', 'TableMigration3.5', 'java-worker-1'].sort(),
    );
    expect(await table.getLease('Leader')).toBeUndefined();
    // a write aimed at a non-lease item fails its condition instead of changing it
    const fake = { ...base, leaseKey: 'Leader', leaseCounter: 0 };
    await expect(table.takeLease(fake, 'w')).rejects.toBeInstanceOf(LeaseLostError);
    expect(await table.deleteLease('Leader')).toBe(false);
    expect(await table.deleteLease('Migration3.0', { finishedOnly: true })).toBe(false);
    const after = await aws.dynamodb.send(new ScanCommand({ TableName: table.table }));
    const items = (after.Items ?? []).filter((i) => i.leaseKey?.S !== base.leaseKey);
    const byKey = (a: Record<string, AttributeValue>, b: Record<string, AttributeValue>) =>
      String(a.leaseKey?.S).localeCompare(String(b.leaseKey?.S));
    expect(items.sort(byKey)).toEqual([...KCL35_ITEMS].sort(byKey));
  });

  it('writes entityType LEASE, and removes pendingCheckpointState with pendingCheckpoint', async () => {
    const lease = { ...base, leaseKey: 'shardId-000000000021' };
    await refresher.createLeaseIfNotExists(lease);
    expect((await raw(lease.leaseKey))?.entityType).toEqual({ S: 'LEASE' });
    // a KCL 3.x worker left a two-phase checkpoint in progress
    await put({
      ...(await raw(lease.leaseKey)),
      leaseOwner: { S: 'a' },
      pendingCheckpoint: { S: '49590000000000000000000000007' },
      pendingCheckpointSubSequenceNumber: { N: '0' },
      pendingCheckpointState: { B: new Uint8Array([1, 2, 3]) },
    });
    const held = (await refresher.getLease(lease.leaseKey))!;
    await refresher.updateCheckpoint(held, 'a', { sequenceNumber: '4959', subSequenceNumber: 0 });
    const item = (await raw(lease.leaseKey))!;
    expect(Object.keys(item).filter((k) => k.startsWith('pending'))).toEqual([]);
    expect(item.checkpoint).toEqual({ S: '4959' });
  });

  it('deletes a finished lease only while it is at SHARD_END', async () => {
    const lease = { ...base, leaseKey: 'shardId-000000000022' };
    await refresher.createLeaseIfNotExists(lease);
    expect(await refresher.deleteLease(lease.leaseKey, { finishedOnly: true })).toBe(false);
    const taken = await refresher.takeLease(lease, 'a');
    await refresher.updateCheckpoint(taken, 'a', sentinel(SENTINEL.SHARD_END));
    expect(await refresher.deleteLease(lease.leaseKey, { finishedOnly: true })).toBe(true);
    expect(await refresher.getLease(lease.leaseKey)).toBeUndefined();
  });

  it('bound to a stream: records it on create and take, and never takes or deletes leases of another', async () => {
    const tableName2 = uniqueName('bound');
    const mine = new LeaseRefresher({ dynamodb: aws.dynamodb, tableName: tableName2 });
    const theirs = new LeaseRefresher({ dynamodb: aws.dynamodb, tableName: tableName2 });
    await mine.createTableIfNotExists();
    mine.bindStream('arn:aws:kinesis:us-east-1:000000000000:stream/a');
    theirs.bindStream('arn:aws:kinesis:us-east-1:000000000000:stream/b');
    await mine.createLeaseIfNotExists(base);
    const [created] = await mine.listLeases();
    expect(created?.streamArn).toBe('arn:aws:kinesis:us-east-1:000000000000:stream/a');
    expect(await theirs.listLeases()).toEqual([]);
    await expect(theirs.takeLease(created!, 'b')).rejects.toBeInstanceOf(LeaseLostError);
    expect(await theirs.deleteLease(base.leaseKey)).toBe(false);
    // a lease without a stream (written by the KCL) is taken and from then on records ours
    const kcl = { ...base, leaseKey: 'shardId-000000000001' };
    await new LeaseRefresher({
      dynamodb: aws.dynamodb,
      tableName: tableName2,
    }).createLeaseIfNotExists(kcl);
    const adopted = await mine.takeLease(kcl, 'a');
    expect(adopted.streamArn).toBe('arn:aws:kinesis:us-east-1:000000000000:stream/a');
  });
});
