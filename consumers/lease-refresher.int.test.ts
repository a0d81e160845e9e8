import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
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
});
