/**
 * The coordinator's reaction to failed lease calls, on virtual time: an in-memory stand-in
 * for the lease table adapter (what DynamoDB does is proven against dynalite in
 * `lease-faults.int.test.ts`), an injected clock and an injected sleep that moves it.
 */
import { settle } from '../core/index.js';
import { SENTINEL, sentinel, type Lease } from './lease.js';
import { LeaseCoordinator, type CoordinatorEvent } from './lease-coordinator.js';
import { coordinatorLogLevel } from './coordinator-log.js';
import { LeaseLostError, type LeaseRefresher } from './lease-refresher.js';
import { ConsumerMetrics } from './metrics.js';
import { WorkerHealth } from './worker-http.js';

const FAILOVER = 3_000; // renewals every 1,000 ms; back-off 100, 200, 400, 800 ms ceilings
const throttle = () =>
  Object.assign(new Error('Rate exceeded'), {
    name: 'ProvisionedThroughputExceededException',
    $metadata: { httpStatusCode: 400 },
  });

const lease = (key: string, counter: number, owner?: string): Lease => ({
  leaseKey: key,
  leaseCounter: counter,
  ...(owner ? { leaseOwner: owner } : {}),
  checkpoint: sentinel(SENTINEL.TRIM_HORIZON),
  ownerSwitchesSinceCheckpoint: 0,
  parentShardIds: [],
  childShardIds: [],
});

/** A coordinator over a scripted table; `fail` lists the errors of the next calls by name. */
function setup(table: Lease[]) {
  let time = 1_000_000;
  const calls: string[] = [];
  const fail: Record<string, unknown[]> = {};
  const events: CoordinatorEvent[] = [];
  const lost: string[] = [];
  const step = async (name: string) => {
    calls.push(name);
    const error = fail[name]?.shift();
    if (error !== undefined) throw error;
  };
  const write = async (name: string, l: Lease, owner: string) => {
    await step(name);
    const i = table.findIndex((x) => x.leaseKey === l.leaseKey);
    const current = table[i] as Lease;
    if (current.leaseCounter !== l.leaseCounter) throw new LeaseLostError(l.leaseKey, name);
    table[i] = { ...current, leaseOwner: owner, leaseCounter: current.leaseCounter + 1 };
    return table[i] as Lease;
  };
  const refresher = {
    listLeases: async () => (await step('list'), table.map((l) => ({ ...l }))),
    getLease: async (key: string) => (await step('get'), table.find((l) => l.leaseKey === key)),
    takeLease: (l: Lease, owner: string) => write('take', l, owner),
    renewLease: (l: Lease, owner: string) => write('renew', l, owner),
  } as unknown as LeaseRefresher;
  const coordinator = new LeaseCoordinator({
    refresher,
    workerId: 'me',
    failoverTimeMs: FAILOVER,
    takeIntervalMs: 3_600_000, // cycles are driven by the test
    now: () => time,
    random: () => 0.5,
    sleep: async (ms) => void (time += ms),
    onEvent: (e) => events.push(e),
    listener: { acquired: () => {}, lost: (k) => lost.push(k), handoffRequested: () => {} },
  });
  started.push(coordinator);
  return {
    coordinator,
    calls,
    fail,
    events,
    lost,
    table,
    advance: (ms: number) => (time += ms),
    elapsed: (since: number) => time - since,
    now: () => time,
  };
}

/** A started coordinator holding `s-1` (taken in its first cycle); the timers never fire. */
async function holding() {
  const t = setup([lease('s-1', 0)]);
  t.coordinator.start();
  await settle();
  expect(t.coordinator.heldKeys()).toEqual(['s-1']);
  t.calls.length = 0;
  return t;
}

const started: LeaseCoordinator[] = [];
afterEach(() => started.splice(0).forEach((c) => c.stop()));

describe('LeaseCoordinator under failed calls', () => {
  it('retries a throttled renewal and keeps the lease (no failed cycle)', async () => {
    const t = await holding();
    t.fail.renew = [throttle(), throttle()];
    await t.coordinator.renewAll();
    expect(t.calls).toEqual(['renew', 'renew', 'renew']);
    expect(t.table[0]?.leaseCounter).toBe(2);
    // each retry is told before its back-off (50, then 100 ms: half the 100, 200 ceilings)
    const retried = (attempt: number, delayMs: number) => ({
      type: 'call.retried',
      operation: 'renew',
      attempt,
      delayMs,
      reason: 'ProvisionedThroughputExceededException',
    });
    expect(t.events.filter((e) => e.type !== 'lease.taken')).toEqual([
      retried(0, 50),
      retried(1, 100),
    ]);
  });

  it('counts retried calls by operation and error code, and stays healthy', async () => {
    const t = await holding();
    t.fail.renew = [throttle(), throttle(), throttle()];
    t.fail.list = [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })];
    await t.coordinator.renewAll();
    await t.coordinator.takeCycle();
    const metrics = new ConsumerMetrics();
    const health = new WorkerHealth();
    for (const event of t.events) {
      metrics.onEvent({ type: 'coordinator', event });
      health.onEvent({ type: 'coordinator', event });
    }
    const text = await metrics.registry.metrics();
    const retries = 'shardflow_consumer_lease_call_retries_total';
    expect(text).toContain(
      `${retries}{operation="renew",reason="ProvisionedThroughputExceededException"} 3`,
    );
    expect(text).toContain(`${retries}{operation="scan",reason="ECONNRESET"} 1`);
    // a retry is not a lease event, nor a failure: more than 3 of them keep /healthz at 200
    expect(text).not.toContain('event="call.retried"');
    expect(health.healthy).toBe(true);
    // and in the log it is a debug line (lease moves stay at info)
    expect(t.events.map((e) => [e.type, coordinatorLogLevel(e)])).toEqual([
      ['lease.taken', 'info'],
      ...Array.from({ length: 4 }, () => ['call.retried', 'debug']),
    ]);
  });

  it('stops retrying a renewal by the next renewal tick and keeps the lease until it expires', async () => {
    const t = await holding();
    t.fail.renew = Array.from({ length: 20 }, throttle);
    const start = t.now();
    await expect(t.coordinator.renewAll()).rejects.toMatchObject({
      name: 'ProvisionedThroughputExceededException',
    });
    // waits 50, 100, 200 (t = 350); the next ceiling 800 would end past the tick at 1,000
    expect([t.calls.length, t.elapsed(start)]).toEqual([4, 350]);
    expect(t.coordinator.heldKeys()).toEqual(['s-1']);
  });

  it('never retries a renewal past the lease expiry, and drops the lease after it', async () => {
    const t = await holding();
    t.fail.renew = Array.from({ length: 20 }, throttle);
    t.advance(FAILOVER - 150); // 150 ms left: one wait of the 100 ms ceiling fits
    const start = t.now();
    await expect(t.coordinator.renewAll()).rejects.toBeDefined();
    expect([t.calls.length, t.elapsed(start)]).toEqual([2, 50]);
    expect(t.lost).toEqual([]);
    t.advance(200); // now past the expiry: the failed renewal drops it
    await expect(t.coordinator.renewAll()).rejects.toBeDefined();
    expect(t.calls.length).toBe(3); // no retry at all
    expect(t.lost).toEqual(['s-1']);
  });

  it('keeps a lease whose renewal failed its condition because an earlier attempt landed', async () => {
    const t = await holding();
    // the renewal reached the table but its answer was lost; the retry sees its own write
    t.fail.renew = [throttle()];
    t.table[0] = { ...(t.table[0] as Lease), leaseCounter: 2 };
    await t.coordinator.renewAll();
    expect(t.calls).toEqual(['renew', 'renew', 'get']);
    expect(t.lost).toEqual([]);
    await t.coordinator.renewAll(); // at the counter read back
    expect(t.table[0]?.leaseCounter).toBe(3);
  });

  it('reports a lost lease at once when another worker changed it (never retried)', async () => {
    const t = await holding();
    t.table[0] = { ...(t.table[0] as Lease), leaseOwner: 'other', leaseCounter: 2 };
    await t.coordinator.renewAll();
    expect(t.calls).toEqual(['renew', 'get']);
    expect(t.lost).toEqual(['s-1']);
  });

  it('retries a throttled scan and take; a take losing its race is not retried', async () => {
    const t = setup([lease('s-1', 0), lease('s-2', 0)]);
    t.fail.list = [throttle()];
    t.fail.take = [throttle()];
    t.coordinator.start();
    await settle();
    expect(t.calls).toEqual(['list', 'list', 'take', 'take', 'take']);
    expect(t.coordinator.heldKeys()).toEqual(['s-1', 's-2']);

    const race = setup([lease('s-1', 0)]);
    race.fail.take = [new LeaseLostError('s-1', 'take')];
    race.coordinator.start();
    await settle();
    expect(race.calls).toEqual(['list', 'take']);
    expect(race.coordinator.heldKeys()).toEqual([]);
  });
});
