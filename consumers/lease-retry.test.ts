import { SENTINEL, sentinel, type Lease } from './lease.js';
import { periodic } from './lease-cycles.js';
import { LeaseLostError } from './lease-refresher.js';
import {
  MAX_LEASE_RETRIES,
  leaseBackoff,
  renewDeadline,
  renewalLanded,
  retryLeaseCall,
  shouldRetryLeaseCall,
  type LeaseRetryPolicy,
} from './lease-retry.js';

/** An error shaped like the AWS SDK v3's service exceptions. */
const sdk = (name: string, status: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
const throttle = () => sdk('ProvisionedThroughputExceededException', 400);
const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

/** A policy on a virtual clock: each sleep moves the clock; waits are recorded. */
function virtual(deadline: number, alive = () => true) {
  let time = 0;
  const waits: number[] = [];
  const policy: LeaseRetryPolicy = {
    deadline,
    alive,
    now: () => time,
    random: () => 0.5,
    sleep: async (ms) => {
      waits.push(ms);
      time += ms;
    },
    backoff: { initialDelayMs: 100 },
  };
  return { policy, waits, advance: (ms: number) => (time += ms) };
}

/** A call failing with the given errors in turn, then answering `ok`. */
function failing(...errors: unknown[]) {
  const calls = { n: 0 };
  const call = async () => {
    const error = errors[calls.n];
    calls.n += 1;
    if (error !== undefined) throw error;
    return 'ok';
  };
  return { call, calls };
}

describe('shouldRetryLeaseCall', () => {
  const policy = { deadline: 1_000, alive: () => true, now: () => 0, backoff: {} };

  it('retries throttles, 5xx and network resets', () => {
    expect(shouldRetryLeaseCall(throttle(), 0, policy)).toBe(true);
    expect(shouldRetryLeaseCall(sdk('InternalServerError', 500), 0, policy)).toBe(true);
    expect(shouldRetryLeaseCall(reset(), 0, policy)).toBe(true);
  });

  it('never retries a failed condition (lost lease, contention) or a fatal error', () => {
    expect(shouldRetryLeaseCall(new LeaseLostError('s-1', 'renew'), 0, policy)).toBe(false);
    expect(shouldRetryLeaseCall(sdk('ConditionalCheckFailedException', 400), 0, policy)).toBe(
      false,
    );
    expect(shouldRetryLeaseCall(sdk('ResourceNotFoundException', 400), 0, policy)).toBe(false);
  });

  it('retries only if the longest back-off ends by the deadline', () => {
    // ceilings with the core defaults: 100, 200, 400, 800 ms
    expect(shouldRetryLeaseCall(throttle(), 2, { ...policy, now: () => 600 })).toBe(true);
    expect(shouldRetryLeaseCall(throttle(), 2, { ...policy, now: () => 601 })).toBe(false);
    expect(shouldRetryLeaseCall(throttle(), 0, { ...policy, now: () => 1_000 })).toBe(false);
  });

  it('stops when the policy is no longer alive, and after the retry cap', () => {
    expect(shouldRetryLeaseCall(throttle(), 0, { ...policy, alive: () => false })).toBe(false);
    const far = { ...policy, deadline: Number.MAX_SAFE_INTEGER };
    expect(shouldRetryLeaseCall(throttle(), MAX_LEASE_RETRIES - 1, far)).toBe(true);
    expect(shouldRetryLeaseCall(throttle(), MAX_LEASE_RETRIES, far)).toBe(false);
  });
});

describe('renewDeadline and leaseBackoff', () => {
  it('is the next renewal tick or the local expiry, whichever comes first', () => {
    const t = { startedAt: 10_000, intervalMs: 3_333, failoverTimeMs: 10_000 };
    expect(renewDeadline({ ...t, renewedAt: 9_990 })).toBe(13_333);
    expect(renewDeadline({ ...t, renewedAt: 2_000 })).toBe(12_000);
    // already expired locally: no retry can fit
    expect(renewDeadline({ ...t, renewedAt: -1 })).toBe(9_999);
  });

  it('starts at the core 100 ms, at most a tenth of the renewal interval', () => {
    expect(leaseBackoff(3_333)).toEqual({ initialDelayMs: 100 });
    expect(leaseBackoff(500)).toEqual({ initialDelayMs: 50 });
    expect(leaseBackoff(5)).toEqual({ initialDelayMs: 1 });
  });
});

describe('retryLeaseCall', () => {
  it('retries transient errors with jittered back-off and returns the success', async () => {
    const { policy, waits } = virtual(10_000);
    const { call, calls } = failing(throttle(), reset(), sdk('ServiceUnavailable', 503));
    await expect(retryLeaseCall(call, policy)).resolves.toBe('ok');
    expect(calls.n).toBe(4);
    expect(waits).toEqual([50, 100, 200]); // half of 100, 200, 400 (random 0.5)
  });

  it('rethrows a lost lease at once', async () => {
    const { policy, waits } = virtual(10_000);
    const lost = new LeaseLostError('s-1', 'renew');
    const { call, calls } = failing(throttle(), lost);
    await expect(retryLeaseCall(call, policy)).rejects.toBe(lost);
    expect([calls.n, waits]).toEqual([2, [50]]);
  });

  it('gives up with the last error when the next back-off could pass the deadline', async () => {
    // waits 50 (t=50), 100 (t=150); the third retry's ceiling 400 would end at 550 > 500
    const { policy, waits } = virtual(500);
    const last = throttle();
    const { call, calls } = failing(throttle(), throttle(), last, throttle());
    await expect(retryLeaseCall(call, policy)).rejects.toBe(last);
    expect([calls.n, waits]).toEqual([3, [50, 100]]);
  });

  it('makes no call after the policy stops being alive during a back-off', async () => {
    let alive = true;
    const { policy } = virtual(10_000, () => alive);
    const first = throttle();
    const { call, calls } = failing(first);
    const slept = { ...policy, sleep: async () => void (alive = false) };
    await expect(retryLeaseCall(call, slept)).rejects.toBe(first);
    expect(calls.n).toBe(1);
  });

  it('is bounded in attempts even on a frozen clock', async () => {
    const { policy } = virtual(Number.MAX_SAFE_INTEGER);
    const frozen = { ...policy, sleep: async () => undefined };
    const errors = Array.from({ length: 20 }, throttle);
    const { call, calls } = failing(...errors);
    await expect(retryLeaseCall(call, frozen)).rejects.toBe(errors[MAX_LEASE_RETRIES]);
    expect(calls.n).toBe(MAX_LEASE_RETRIES + 1);
  });
});

describe('renewalLanded', () => {
  const held: Lease = {
    leaseKey: 's-1',
    leaseOwner: 'me',
    leaseCounter: 7,
    checkpoint: sentinel(SENTINEL.TRIM_HORIZON),
    ownerSwitchesSinceCheckpoint: 0,
    parentShardIds: [],
    childShardIds: [],
  };

  it('recognises our own earlier renewal: ours, one counter on, no hand-off', () => {
    expect(renewalLanded(held, { ...held, leaseCounter: 8 }, 'me')).toBe(true);
  });

  it('anything else is a loss or a hand-off', () => {
    expect(renewalLanded(held, undefined, 'me')).toBe(false);
    expect(renewalLanded(held, { ...held, leaseCounter: 9 }, 'me')).toBe(false);
    expect(renewalLanded(held, { ...held, leaseCounter: 8, leaseOwner: 'other' }, 'me')).toBe(
      false,
    );
    const stolen = { ...held, leaseCounter: 8, leaseOwner: 'thief', checkpointOwner: 'me' };
    expect(renewalLanded(held, stolen, 'me')).toBe(false);
    expect(renewalLanded(held, { ...held, leaseCounter: 8, checkpointOwner: 'x' }, 'me')).toBe(
      false,
    );
  });
});

describe('periodic', () => {
  /** A cycle whose runs end when the test says so. */
  function controlled() {
    const ends: (() => void)[] = [];
    const cycle = () => new Promise<void>((resolve) => ends.push(resolve));
    return { cycle, ends };
  }
  const settle = () => new Promise((r) => setImmediate(r));

  it('runs a tick missed while busy as soon as the running cycle ends (catch-up)', async () => {
    const { cycle, ends } = controlled();
    const p = periodic(3_600_000, cycle, { catchUp: true, onError: () => {}, active: () => true });
    p.run();
    p.run(); // missed: busy
    p.run(); // missed again: still one catch-up
    expect(ends).toHaveLength(1);
    ends[0]?.();
    await settle();
    expect(ends).toHaveLength(2);
    ends[1]?.();
    await settle();
    expect(ends).toHaveLength(2);
    clearInterval(p.timer);
  });

  it('skips a tick missed while busy without catch-up, and reports a failed cycle', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const boom = new Error('boom');
    const cycle = () => {
      calls += 1;
      return Promise.reject(boom);
    };
    const p = periodic(3_600_000, cycle, {
      catchUp: false,
      onError: (e) => errors.push(e),
      active: () => true,
    });
    p.run();
    p.run();
    await settle();
    expect([calls, errors]).toEqual([1, [boom]]);
    clearInterval(p.timer);
  });
});
