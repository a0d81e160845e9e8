/**
 * The lease coordinator's periodic DynamoDB calls under injected faults (dynalite behind the
 * fault proxy). Worker `a` talks to DynamoDB through the proxy with one SDK attempt per call
 * (its own retry is under test, not the SDK's); worker `b`, direct and healthy, takes any
 * lease of `a` that expires. While every call of `a` has its first attempt throttled (then
 * answered 500), `a` still takes leases, hands two over to `b` and keeps the other two — no
 * loss, no failed cycle, healthy, each retry told as `call.retried`. Without the retry `a`
 * takes no lease at all (a cycle whose scan gets through fails at its first take).
 * When every call fails, `a` reports failed cycles, turns unhealthy and loses its leases
 * after a failover period, as before.
 */
import { createAwsClients, type AwsClients } from '../adapters/index.js';
import { loadConfig } from '../core/index.js';
import { startFaultProxy, type FaultProxy } from '../test/fault-proxy.js';
import { testClients, testConfig, uniqueName, waitFor } from '../test/helpers.js';
import { SENTINEL, sentinel } from './lease.js';
import { LeaseCoordinator, type CoordinatorEvent } from './lease-coordinator.js';
import { LeaseRefresher } from './lease-refresher.js';
import { WorkerHealth } from './worker-http.js';

/** Renewals every second: a call may take ~0.4 s on a loaded machine and still be retried. */
const FAILOVER = 3_000;
const THROTTLE = { status: 400, errorType: 'ProvisionedThroughputExceededException' };
const FAILURE = { status: 500, errorType: 'InternalServerError' };
const KEYS = [0, 1, 2, 3].map((i) => `shardId-00000000000${i}`);

const direct = testClients(testConfig());
const tableName = uniqueName('lease-faults');
const refresher = new LeaseRefresher({ dynamodb: direct.dynamodb, tableName });
let proxy: FaultProxy;
let proxied: AwsClients;
const coordinators: LeaseCoordinator[] = [];

/** A coordinator that completes a hand-off at once (it has nothing in flight). */
function worker(
  id: string,
  dynamodb: AwsClients['dynamodb'],
  events: CoordinatorEvent[],
  health = new WorkerHealth(),
) {
  const c: LeaseCoordinator = new LeaseCoordinator({
    refresher: new LeaseRefresher({ dynamodb, tableName }),
    workerId: id,
    failoverTimeMs: FAILOVER,
    // a take cycle's retries must end before the next cycle: 1.5 s leaves room for a throttled
    // call and its retry when another test suite has the CPU (500 ms failed under two workers)
    takeIntervalMs: 1_500,
    handoffTimeoutMs: 1_000,
    onEvent: (event) => {
      events.push(event);
      health.onEvent({ type: 'coordinator', event });
    },
    listener: {
      acquired: () => {},
      lost: () => {},
      handoffRequested: (key) => void c.completeHandoff(key).catch(() => undefined),
    },
  });
  coordinators.push(c);
  return c;
}

const owners = async () => (await refresher.listLeases()).map((l) => l.leaseOwner).sort();
const ofType = (events: CoordinatorEvent[], type: CoordinatorEvent['type']) =>
  events.filter((e) => e.type === type);

beforeAll(async () => {
  proxy = await startFaultProxy({ target: process.env.AWS_ENDPOINT_URL_DYNAMODB as string });
  proxied = createAwsClients(loadConfig({ ...process.env, AWS_ENDPOINT_URL_DYNAMODB: proxy.url }), {
    maxAttempts: 1,
  });
  await refresher.createTableIfNotExists(); // ACTIVE before the first put
  for (const leaseKey of KEYS)
    await refresher.createLeaseIfNotExists({
      leaseKey,
      leaseCounter: 0,
      checkpoint: sentinel(SENTINEL.TRIM_HORIZON),
      ownerSwitchesSinceCheckpoint: 0,
      parentShardIds: [],
      childShardIds: [],
    });
});
afterAll(async () => {
  for (const c of coordinators) c.stop();
  proxied?.destroy();
  direct.destroy();
  await proxy?.close();
});

it('takes, hands over and keeps its leases through throttles and 5xx; turns unhealthy only when every call fails', async () => {
  const aEvents: CoordinatorEvent[] = [];
  const health = new WorkerHealth();
  const a = worker('a', proxied.dynamodb, aEvents, health);

  // every call of every operation: first attempt throttled, the retry forwarded
  proxy.failEachCall({ attempts: 1, calls: 1_000_000 }, THROTTLE);
  a.start();
  await waitFor(() => a.heldKeys().length === 4, { what: 'a to take 4 leases', timeoutMs: 8_000 });

  const b = worker('b', direct.dynamodb, []);
  b.start();
  await waitFor(
    async () =>
      a.heldKeys().length === 2 &&
      b.heldKeys().length === 2 &&
      (await owners()).join() === 'a,a,b,b',
    { what: 'b to get 2 leases from a by hand-off', timeoutMs: 8_000 },
  );
  const kept = a.heldKeys();
  expect(kept).toHaveLength(2);

  // more than a failover period of throttles, then 5xx: b would take any lease a let expire
  await new Promise((r) => setTimeout(r, FAILOVER / 2 + 100));
  proxy.reset();
  proxy.failEachCall({ attempts: 1, calls: 1_000_000 }, FAILURE);
  await new Promise((r) => setTimeout(r, FAILOVER / 2 + 100));
  expect({
    held: a.heldKeys(),
    owners: await owners(),
    lost: ofType(aEvents, 'lease.lost'),
    failedCycles: ofType(aEvents, 'cycle.failed'),
    healthy: health.healthy,
  }).toEqual({
    held: kept,
    owners: ['a', 'a', 'b', 'b'],
    lost: [],
    failedCycles: [],
    healthy: true,
  });
  expect(proxy.stats.failedRequests).toBeGreaterThan(20); // the faults were met
  // each retry was told (what /metrics counts), by operation and AWS error code
  const retried = aEvents.flatMap((e) =>
    e.type === 'call.retried' ? [`${e.operation} ${e.reason}`] : [],
  );
  expect([...new Set(retried)]).toEqual(
    expect.arrayContaining([
      'scan ProvisionedThroughputExceededException',
      'take ProvisionedThroughputExceededException',
      'renew ProvisionedThroughputExceededException',
      'renew InternalServerError',
    ]),
  );

  // every call fails: failed cycles turn a unhealthy, its leases expire and go to b
  proxy.reset();
  proxy.failFraction(1, THROTTLE);
  await waitFor(() => ofType(aEvents, 'lease.lost').length === 2, {
    what: 'a to drop its leases after a failover period',
    timeoutMs: 3 * FAILOVER,
  });
  expect(health.healthy).toBe(false);
  expect(ofType(aEvents, 'cycle.failed').length).toBeGreaterThanOrEqual(3);
  await waitFor(async () => (await owners()).join() === 'b,b,b,b', {
    what: 'b to take the expired leases',
    timeoutMs: 3 * FAILOVER,
  });
}, 60_000);
