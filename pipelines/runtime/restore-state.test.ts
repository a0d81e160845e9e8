import { gzipSync } from 'node:zlib';
import { newLease, sentinel, type Lease, type ShardSession } from '../../consumers/index.js';
import {
  IncrementalSnapshots,
  KeyedStateBackend,
  MemorySnapshotStore,
  SnapshotVersionError,
  jsonCodec,
} from '../state/index.js';
import { restoreShardState, type RestoreInput } from './restore-state.js';

const CHILD = 'shardId-000000000003';
const ALL = { StartingHashKey: '0', EndingHashKey: '340282366920938463463374607431768211455' };
/** A shard as ListShards names it, covering every hash key. */
const shard = (ShardId: string, ParentShardId?: string, AdjacentParentShardId?: string) => ({
  ShardId,
  HashKeyRange: ALL,
  ...(ParentShardId ? { ParentShardId } : {}),
  ...(AdjacentParentShardId ? { AdjacentParentShardId } : {}),
});
const AT_49 = { sequenceNumber: '49', subSequenceNumber: 0 };

/** A session of `lease` whose parents' leases are `parents` (only what the restore reads). */
const sessionOf = (lease: Lease, parents: Lease[] = []): ShardSession =>
  ({ shardId: lease.leaseKey, lease, parentLeases: async () => parents }) as ShardSession;

/** Writes a full snapshot of `keys` (value = key) for `shardId`; returns its reference. */
async function snapshotOf(store: MemorySnapshotStore, shardId: string, keys: string[]) {
  const backend = new KeyedStateBackend();
  const state = backend.register('v', jsonCodec<string>());
  for (const k of keys) state.set(k, k);
  const snaps = new IncrementalSnapshots(backend, { shardId, ttlMs: Infinity });
  const capture = snaps.capture(true, true);
  return store.put(shardId, gzipSync(capture.json()));
}

function input(
  session: ShardSession,
  store: MemorySnapshotStore,
  over: Partial<RestoreInput> = {},
) {
  const backend = new KeyedStateBackend();
  const state = backend.register('v', jsonCodec<string>());
  const discarded: unknown[] = [];
  const snapshots = new IncrementalSnapshots(backend, {
    shardId: session.shardId,
    ttlMs: Infinity,
  });
  const restore: RestoreInput = {
    session,
    store,
    snapshots,
    onUnreadableSnapshot: 'start-empty',
    alive: () => true,
    onDiscarded: (e) => discarded.push(e),
    ...over,
  };
  return { restore, backend, state, discarded };
}

describe('restoreShardState', () => {
  it("restores the shard's own snapshot named by its lease", async () => {
    const store = new MemorySnapshotStore();
    const ref = await snapshotOf(store, CHILD, ['a', 'b']);
    const lease = {
      ...newLease(shard(CHILD), AT_49),
      stateRef: ref,
    };
    const { restore, backend, state } = input(sessionOf(lease), store);
    await expect(restoreShardState(restore)).resolves.toEqual({ from: 'own', parentObjects: [] });
    expect(backend.keyCount()).toBe(2);
    expect(state.get('b')).toBe('b');
  });

  it("a child not yet started takes its parents' snapshots; only a sole parent's object is named for deletion", async () => {
    const store = new MemorySnapshotStore();
    const p1 = {
      ...newLease(shard('p1'), sentinel('SHARD_END')),
      childShardIds: [CHILD],
      stateRef: await snapshotOf(store, 'p1', ['x']),
    };
    const p2 = {
      ...newLease(shard('p2'), sentinel('SHARD_END')),
      childShardIds: [CHILD, 'shardId-000000000004'],
      stateRef: await snapshotOf(store, 'p2', ['y']),
    };
    const child = newLease(shard(CHILD, 'p1', 'p2'), sentinel('TRIM_HORIZON'));
    const { restore, backend } = input(sessionOf(child, [p1, p2]), store);
    const restored = await restoreShardState(restore);
    expect(restored.from).toBe('parents');
    expect(restored.parentObjects).toEqual([p1.stateRef]); // p2's is shared with a sibling
    expect(backend.keyCount()).toBe(2);
  });

  it('nothing to restore: a shard without a state reference and without parents', async () => {
    const store = new MemorySnapshotStore();
    const { restore } = input(sessionOf(newLease(shard(CHILD), sentinel('TRIM_HORIZON'))), store);
    await expect(restoreShardState(restore)).resolves.toEqual({
      from: 'nothing',
      parentObjects: [],
    });
  });

  it('an unreadable snapshot starts the shard empty (reported), or fails it with `fail`', async () => {
    const store = new MemorySnapshotStore();
    const ref = await store.put(CHILD, new TextEncoder().encode('not gzip'));
    const lease = {
      ...newLease(shard(CHILD), AT_49),
      stateRef: ref,
    };
    const empty = input(sessionOf(lease), store);
    await expect(restoreShardState(empty.restore)).resolves.toMatchObject({ from: 'own' });
    expect(empty.discarded).toHaveLength(1);
    expect(empty.discarded[0]).toBeInstanceOf(SnapshotVersionError);
    expect(empty.backend.keyCount()).toBe(0);
    const failing = input(sessionOf(lease), store, { onUnreadableSnapshot: 'fail' });
    await expect(restoreShardState(failing.restore)).rejects.toBeInstanceOf(SnapshotVersionError);
  });
});
