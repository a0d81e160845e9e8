import { testClients, testConfig, uniqueName, waitFor } from '../test/helpers.js';
import { SENTINEL, sentinel } from './lease.js';
import { LeaseCoordinator, type CoordinatorEvent } from './lease-coordinator.js';
import { LeaseRefresher } from './lease-refresher.js';

const FAILOVER = 1_500;
const config = testConfig();
const aws = testClients(config);
const tableName = uniqueName('leases');
const refresher = new LeaseRefresher({ dynamodb: aws.dynamodb, tableName });
const coordinators: LeaseCoordinator[] = [];

/** A coordinator that acts like a shard consumer: on hand-off it checkpoints and completes. */
function worker(id: string, events: CoordinatorEvent[] = []): LeaseCoordinator {
  const c: LeaseCoordinator = new LeaseCoordinator({
    refresher,
    workerId: id,
    failoverTimeMs: FAILOVER,
    takeIntervalMs: 300,
    onEvent: (e) => events.push(e),
    listener: {
      acquired: () => {},
      lost: () => {},
      handoffRequested: (key) => {
        void c
          .checkpoint(key, { sequenceNumber: '1000', subSequenceNumber: 0 })
          .then(() => c.completeHandoff(key));
      },
    },
  });
  coordinators.push(c);
  c.start();
  return c;
}

const counts = () => coordinators.filter((c) => c['running']).map((c) => c.heldKeys().length);

beforeAll(async () => {
  await refresher.createTableIfNotExists(); // ACTIVE before the first put
  for (let i = 0; i < 6; i += 1) {
    await refresher.createLeaseIfNotExists({
      leaseKey: `shardId-00000000000${i}`,
      leaseCounter: 0,
      checkpoint: sentinel(SENTINEL.TRIM_HORIZON),
      ownerSwitchesSinceCheckpoint: 0,
      parentShardIds: [],
      childShardIds: [],
    });
  }
});
afterAll(() => {
  for (const c of coordinators) c.stop();
  aws.destroy();
});

describe('LeaseCoordinator (3 → 4 → 3 workers on 6 leases)', () => {
  it('converges, rebalances by graceful hand-off, and moves released leases at once', async () => {
    const a = worker('a');
    const b = worker('b');
    const events: CoordinatorEvent[] = [];
    const c = worker('c', events);
    await waitFor(() => counts().join() === '2,2,2', { what: '2 leases each', timeoutMs: 20_000 });

    const d = worker('d');
    await waitFor(() => d.heldKeys().length >= 1 && counts().reduce((x, y) => x + y) === 6, {
      what: 'd to get a lease by hand-off',
      timeoutMs: 20_000,
    });
    const table = await refresher.listLeases();
    const stolen = table.filter((l) => l.leaseOwner === 'd');
    // the previous owner checkpointed during the hand-off before d started
    expect(stolen.every((l) => l.checkpoint.sequenceNumber === '1000')).toBe(true);
    expect(Math.max(...counts()) - Math.min(...counts())).toBeLessThanOrEqual(1);

    // clean stop of c: release its leases; others pick them up well within a failover period
    c.stopTaking();
    const released = c.heldKeys();
    const started = Date.now();
    for (const key of released) await c.release(key);
    c.stop();
    expect(events.filter((e) => e.type === 'lease.released')).toHaveLength(released.length);
    await waitFor(
      async () => (await refresher.listLeases()).every((l) => l.leaseOwner && l.leaseOwner !== 'c'),
      { what: "c's leases to move", timeoutMs: 10_000 },
    );
    expect(Date.now() - started).toBeLessThan(FAILOVER);
    await waitFor(() => a.heldKeys().length + b.heldKeys().length + d.heldKeys().length === 6, {
      what: 'all 6 held',
    });
  });
});
