import fc from 'fast-check';
import { SENTINEL, comparePositions, isCheckpointed, sentinel, type Lease } from './lease.js';
import { fromItem, readLeaseItem, toItem, type LeaseItem } from './lease-serializer.js';

describe('lease serializer (KCL attribute names)', () => {
  it('writes the exact KCL attribute names and types', () => {
    const lease: Lease = {
      leaseKey: 'shardId-000000000002',
      leaseOwner: 'w1',
      leaseCounter: 7,
      checkpoint: { sequenceNumber: '4959000000000000000000000001', subSequenceNumber: 3 },
      pendingCheckpoint: { sequenceNumber: '4959000000000000000000000002', subSequenceNumber: 0 },
      ownerSwitchesSinceCheckpoint: 1,
      parentShardIds: ['shardId-000000000000', 'shardId-000000000001'],
      childShardIds: ['shardId-000000000003'],
      hashKeyRange: {
        startingHashKey: '0',
        endingHashKey: '340282366920938463463374607431768211455',
      },
      checkpointOwner: 'w0',
      throughputKBps: 12.5,
    };
    expect(toItem(lease)).toEqual({
      leaseKey: { S: 'shardId-000000000002' },
      entityType: { S: 'LEASE' },
      leaseOwner: { S: 'w1' },
      leaseCounter: { N: '7' },
      checkpoint: { S: '4959000000000000000000000001' },
      checkpointSubSequenceNumber: { N: '3' },
      pendingCheckpoint: { S: '4959000000000000000000000002' },
      pendingCheckpointSubSequenceNumber: { N: '0' },
      ownerSwitchesSinceCheckpoint: { N: '1' },
      parentShardId: { SS: ['shardId-000000000000', 'shardId-000000000001'] },
      childShardIds: { SS: ['shardId-000000000003'] },
      startingHashKey: { S: '0' },
      endingHashKey: { S: '340282366920938463463374607431768211455' },
      checkpointOwner: { S: 'w0' },
      throughputKBps: { N: '12.5' },
    });
  });

  it('omits absent fields and empty sets (DynamoDB rejects empty sets)', () => {
    const item = toItem({
      leaseKey: 's',
      leaseCounter: 0,
      checkpoint: sentinel(SENTINEL.TRIM_HORIZON),
      ownerSwitchesSinceCheckpoint: 0,
      parentShardIds: [],
      childShardIds: [],
    });
    expect(Object.keys(item).sort()).toEqual([
      'checkpoint',
      'checkpointSubSequenceNumber',
      'entityType',
      'leaseCounter',
      'leaseKey',
      'ownerSwitchesSinceCheckpoint',
    ]);
    expect(item.checkpoint).toEqual({ S: 'TRIM_HORIZON' });
  });

  it('reads a KCL 2.x item (no 3.x fields, no hash range)', () => {
    const lease = fromItem({
      leaseKey: { S: 'shardId-000000000001' },
      leaseOwner: { S: 'java-worker' },
      leaseCounter: { N: '42' },
      checkpoint: { S: 'SHARD_END' },
      checkpointSubSequenceNumber: { N: '0' },
      ownerSwitchesSinceCheckpoint: { N: '0' },
      parentShardId: { SS: ['shardId-000000000000'] },
    });
    expect(lease).toEqual({
      leaseKey: 'shardId-000000000001',
      leaseOwner: 'java-worker',
      leaseCounter: 42,
      checkpoint: { sequenceNumber: 'SHARD_END', subSequenceNumber: 0 },
      ownerSwitchesSinceCheckpoint: 0,
      parentShardIds: ['shardId-000000000000'],
      childShardIds: [],
    });
  });

  it('skips the non-lease items of a KCL 3.5 single-table lease table', () => {
    const kcl35: LeaseItem[] = [
      { leaseKey: { S: 'Leader' }, entityType: { S: 'LEADER' }, ownerName: { S: 'w1' } },
      { leaseKey: { S: 'Migration3.0' }, entityType: { S: 'CLIENT_VERSION_MIGRATION' } },
      { leaseKey: { S: 'TableMigration3.5' }, entityType: { S: 'TABLE_MIGRATION' } },
      { leaseKey: { S: 'worker-1' }, entityType: { S: 'WORKER_METRIC_STATS' }, lut: { N: '1' } },
      // a non-lease entity that happens to carry a checkpoint is still not a lease
      { leaseKey: { S: 'x' }, entityType: { S: 'STREAM' }, checkpoint: { S: 'TRIM_HORIZON' } },
      // no entity type and no checkpoint: not a lease either
      { leaseKey: { S: 'Leader' }, ownerName: { S: 'w1' } },
    ];
    expect(kcl35.map(readLeaseItem)).toEqual(kcl35.map(() => undefined));
    const lease = {
      leaseKey: { S: 'shardId-000000000000' },
      entityType: { S: 'LEASE' },
      leaseCounter: { N: '3' },
      checkpoint: { S: 'TRIM_HORIZON' },
    };
    expect(readLeaseItem(lease)).toMatchObject({
      leaseKey: 'shardId-000000000000',
      leaseCounter: 3,
    });
    const { entityType: _, ...kcl2 } = lease;
    expect(readLeaseItem(kcl2)?.leaseKey).toBe('shardId-000000000000');
  });

  it('rejects items that are not leases', () => {
    expect(() => fromItem({ foo: { S: 'x' } })).toThrow(/leaseKey/);
    expect(() => fromItem({ leaseKey: { S: 'x' } })).toThrow(/checkpoint/);
  });

  it('round-trips any lease', () => {
    const id = fc.stringMatching(/^shardId-0000000[0-9]{5}$/);
    const seq = fc.oneof(
      fc.constantFrom(...Object.values(SENTINEL)),
      fc.bigInt({ min: 0n, max: 10n ** 56n }).map(String),
    );
    const esn = fc.record({ sequenceNumber: seq, subSequenceNumber: fc.nat(1000) });
    const ids = fc.uniqueArray(id, { maxLength: 2 }).map((a) => a.sort());
    const lease = fc.record(
      {
        leaseKey: id,
        streamArn: fc.constant('arn:aws:kinesis:eu-west-1:000000000000:stream/s'),
        leaseOwner: fc.string({ minLength: 1 }),
        leaseCounter: fc.nat(),
        checkpoint: esn,
        pendingCheckpoint: esn,
        ownerSwitchesSinceCheckpoint: fc.nat(),
        parentShardIds: ids,
        childShardIds: ids,
        hashKeyRange: fc.record({
          startingHashKey: fc.constant('0'),
          endingHashKey: fc.constant('9'),
        }),
        checkpointOwner: fc.string({ minLength: 1 }),
        throughputKBps: fc.double({ min: 0, max: 1e6, noNaN: true }),
      },
      {
        requiredKeys: [
          'leaseKey',
          'leaseCounter',
          'checkpoint',
          'ownerSwitchesSinceCheckpoint',
          'parentShardIds',
          'childShardIds',
        ],
      },
    );
    fc.assert(fc.property(lease, (l) => expect(fromItem(toItem(l))).toEqual(l)));
  });
});

describe('positions', () => {
  it('compares sequence numbers as big integers, then sub-sequence numbers', () => {
    const a = { sequenceNumber: '49590000000000000000000000009', subSequenceNumber: 5 };
    const b = { sequenceNumber: '49590000000000000000000000010', subSequenceNumber: 0 };
    expect(comparePositions(a, b)).toBeLessThan(0);
    expect(comparePositions(b, { ...b, subSequenceNumber: 1 })).toBeLessThan(0);
    expect(comparePositions(b, b)).toBe(0);
  });

  it('knows which records a checkpoint covers, including inside an aggregated record', () => {
    const cp = { sequenceNumber: '100', subSequenceNumber: 2 };
    expect(isCheckpointed({ sequenceNumber: '100', subSequenceNumber: 2 }, cp)).toBe(true);
    expect(isCheckpointed({ sequenceNumber: '100', subSequenceNumber: 3 }, cp)).toBe(false);
    expect(isCheckpointed({ sequenceNumber: '99', subSequenceNumber: 9 }, cp)).toBe(true);
    expect(
      isCheckpointed({ sequenceNumber: '1', subSequenceNumber: 0 }, sentinel('TRIM_HORIZON')),
    ).toBe(false);
    expect(
      isCheckpointed({ sequenceNumber: '1', subSequenceNumber: 0 }, sentinel('SHARD_END')),
    ).toBe(true);
  });
});
