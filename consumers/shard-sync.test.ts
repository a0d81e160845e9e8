import type { Shard } from '@aws-sdk/client-kinesis';
import { SENTINEL, sentinel, type Lease } from './lease.js';
import { finishedLeases, parentsDone, planShardSync } from './shard-sync.js';

const shard = (id: number, parents: number[] = [], closed = false): Shard => ({
  ShardId: `shardId-${String(id).padStart(12, '0')}`,
  ...(parents[0] !== undefined
    ? { ParentShardId: `shardId-${String(parents[0]).padStart(12, '0')}` }
    : {}),
  ...(parents[1] !== undefined
    ? { AdjacentParentShardId: `shardId-${String(parents[1]).padStart(12, '0')}` }
    : {}),
  HashKeyRange: { StartingHashKey: '0', EndingHashKey: '1' },
  SequenceNumberRange: {
    StartingSequenceNumber: '1',
    ...(closed ? { EndingSequenceNumber: '9' } : {}),
  },
});
const key = (i: number) => `shardId-${String(i).padStart(12, '0')}`;
const mine = (l: Lease): Lease => ({ ...l, streamArn: 'arn:aws:kinesis:r:0:stream/s' });
const leaseOf = (i: number, cp: string, parents: number[] = []): Lease => ({
  leaseKey: key(i),
  leaseCounter: 1,
  checkpoint: { sequenceNumber: cp, subSequenceNumber: 0 },
  ownerSwitchesSinceCheckpoint: 0,
  parentShardIds: parents.map(key),
  childShardIds: [],
});

// 0 split into 2,3; 1 and 2 merged into 4
const reshard = [
  shard(0, [], true),
  shard(1, [], true),
  shard(2, [0], true),
  shard(3, [0]),
  shard(4, [1, 2]),
];

describe('planShardSync', () => {
  it('TRIM_HORIZON: leases for every shard, with parents recorded', () => {
    const plan = planShardSync(reshard, [], { type: 'TRIM_HORIZON' });
    expect(plan.create.map((l) => l.leaseKey)).toEqual([0, 1, 2, 3, 4].map(key));
    expect(plan.create.every((l) => l.checkpoint.sequenceNumber === 'TRIM_HORIZON')).toBe(true);
    expect(plan.create.find((l) => l.leaseKey === key(4))?.parentShardIds).toEqual([
      key(1),
      key(2),
    ]);
    expect(plan.remove).toEqual([]);
  });

  it('LATEST: only open shards without leased parents start at LATEST', () => {
    const plan = planShardSync(reshard, [], { type: 'LATEST' });
    expect(plan.create.map((l) => [l.leaseKey, l.checkpoint.sequenceNumber])).toEqual([
      [key(3), 'LATEST'],
      [key(4), 'LATEST'],
    ]);
  });

  it('new children of leased shards start at TRIM_HORIZON whatever the initial position', () => {
    const plan = planShardSync(
      [shard(0, [], true), shard(1, [0]), shard(2, [0])],
      [leaseOf(0, '5')],
      {
        type: 'LATEST',
      },
    );
    expect(plan.create.map((l) => [l.leaseKey, l.checkpoint.sequenceNumber])).toEqual([
      [key(1), 'TRIM_HORIZON'],
      [key(2), 'TRIM_HORIZON'],
    ]);
  });

  it('creates nothing that exists and removes leases of shards no longer listed', () => {
    const plan = planShardSync([shard(1)], [mine(leaseOf(0, 'SHARD_END')), leaseOf(1, '7')], {
      type: 'TRIM_HORIZON',
    });
    expect(plan.create).toEqual([]);
    expect(plan.remove).toEqual([key(0)]);
  });

  it('never removes an unlisted lease that does not record our stream (KCL or another stream)', () => {
    const plan = planShardSync([shard(1)], [leaseOf(0, '5'), leaseOf(7, '9')], {
      type: 'TRIM_HORIZON',
    });
    expect(plan.remove).toEqual([]);
  });

  it('does not re-create the cleaned-up lease of a closed shard whose descendants have leases', () => {
    // 0 split into 2,3 (cleaned up), 2 and 1 merged into 4; only 3 and 4 still have leases
    const plan = planShardSync(reshard, [leaseOf(3, '9', [0]), leaseOf(4, '9', [1, 2])], {
      type: 'TRIM_HORIZON',
    });
    expect(plan.create).toEqual([]);
  });

  it('AT_TIMESTAMP: root shards at AT_TIMESTAMP', () => {
    const plan = planShardSync([shard(0)], [], { type: 'AT_TIMESTAMP', timestamp: new Date(0) });
    expect(plan.create[0]?.checkpoint).toEqual(sentinel(SENTINEL.AT_TIMESTAMP));
  });
});

describe('finishedLeases (KCL lease cleanup)', () => {
  const withChildren = (l: Lease, kids: number[]): Lease => ({
    ...l,
    childShardIds: kids.map(key),
  });

  it('deletes a SHARD_END lease once every child has started and no parent lease is left', () => {
    const parent = withChildren(leaseOf(0, 'SHARD_END'), [2, 3]);
    expect(finishedLeases([parent, leaseOf(2, '11', [0]), leaseOf(3, 'SHARD_END', [0])])).toEqual([
      key(0),
    ]);
  });

  it('keeps it while a child has not started, a child lease is missing or a parent lease remains', () => {
    const parent = withChildren(leaseOf(2, 'SHARD_END', [0]), [4]);
    expect(finishedLeases([parent, leaseOf(4, 'TRIM_HORIZON', [2])])).toEqual([]);
    expect(finishedLeases([parent, leaseOf(4, 'AT_TIMESTAMP', [2])])).toEqual([]);
    expect(finishedLeases([parent])).toEqual([]);
    // with its parent's lease still there, only the parent goes (parents first, as the KCL)
    expect(finishedLeases([leaseOf(0, 'SHARD_END'), parent, leaseOf(4, '8', [2])])).toEqual([
      key(0),
    ]);
  });

  it('finds children by their parent links when childShardIds is absent (KCL 2.x leases)', () => {
    expect(finishedLeases([leaseOf(0, 'SHARD_END'), leaseOf(2, '3', [0])])).toEqual([key(0)]);
    expect(finishedLeases([leaseOf(0, '5'), leaseOf(2, '3', [0])])).toEqual([]);
  });
});

describe('parentsDone', () => {
  it('waits until all parents reached SHARD_END; absent parents count as done', () => {
    const child = leaseOf(4, 'TRIM_HORIZON', [1, 2]);
    expect(parentsDone(child, [leaseOf(1, 'SHARD_END'), leaseOf(2, '77')])).toBe(false);
    expect(parentsDone(child, [leaseOf(1, 'SHARD_END'), leaseOf(2, 'SHARD_END')])).toBe(true);
    expect(parentsDone(child, [leaseOf(1, 'SHARD_END')])).toBe(true);
  });
});
