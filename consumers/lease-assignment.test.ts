import fc from 'fast-check';
import { prng } from '../core/index.js';
import { SENTINEL, sentinel, type Lease } from './lease.js';
import { decideAssignment, type AssignmentOptions, type LeaseView } from './lease-assignment.js';

const FAILOVER = 10_000;
const opts = (o: Partial<AssignmentOptions> = {}): AssignmentOptions => ({
  failoverTimeMs: FAILOVER,
  handoffTimeoutMs: 3_000,
  random: () => 0.5,
  ...o,
});
const lease = (i: number, owner?: string, extra: Partial<Lease> = {}): Lease => ({
  leaseKey: `shardId-${String(i).padStart(12, '0')}`,
  ...(owner ? { leaseOwner: owner } : {}),
  leaseCounter: 1,
  checkpoint: sentinel(SENTINEL.TRIM_HORIZON),
  ownerSwitchesSinceCheckpoint: 0,
  parentShardIds: [],
  childShardIds: [],
  ...extra,
});
const fresh = (l: Lease, at = 1000): LeaseView => ({ lease: l, lastChangeAt: at });
const none = new Set<string>();

describe('decideAssignment', () => {
  it('takes unowned leases up to ceil(leases / workers)', () => {
    const leases = [0, 1, 2, 3, 4, 5].map((i) => fresh(lease(i, i < 2 ? 'b' : undefined)));
    const d = decideAssignment({ workerId: 'a', now: 2000, leases, held: none }, opts());
    expect(d.workers).toBe(2);
    expect(d.target).toBe(3);
    expect(d.take).toHaveLength(3);
    expect(d.take.every((l) => l.leaseOwner === undefined)).toBe(true);
    expect(d.steal).toEqual([]);
  });

  it('treats a lease whose counter has not changed for failoverTime as expired', () => {
    const leases = [fresh(lease(0, 'dead'), 0), fresh(lease(1, 'b'), 9_000)];
    const before = decideAssignment({ workerId: 'a', now: FAILOVER, leases, held: none }, opts());
    expect(before.take).toEqual([]);
    const after = decideAssignment(
      { workerId: 'a', now: FAILOVER + 1, leases, held: none },
      opts(),
    );
    expect(after.take.map((l) => l.leaseKey)).toEqual([lease(0).leaseKey]);
    expect(after.workers).toBe(2); // the dead worker no longer counts
  });

  it('steals at most maxStealsPerCycle from the most loaded worker, never when expired exist', () => {
    const leases = [0, 1, 2, 3, 4, 5].map((i) => fresh(lease(i, i < 4 ? 'b' : 'c')));
    const d = decideAssignment({ workerId: 'a', now: 2000, leases, held: none }, opts());
    expect(d.target).toBe(2);
    expect(d.steal).toHaveLength(1);
    expect(d.steal[0]?.leaseOwner).toBe('b');
    const d3 = decideAssignment(
      { workerId: 'a', now: 2000, leases, held: none },
      opts({ maxStealsPerCycle: 3 }),
    );
    expect(d3.steal).toHaveLength(2); // needed 2, b's excess 2
  });

  it('steals one from a worker at target when it needs more than one (6 leases, 4 workers)', () => {
    const leases = [0, 1, 2, 3, 4, 5].map((i) => fresh(lease(i, ['b', 'c', 'd'][i % 3])));
    const d = decideAssignment({ workerId: 'a', now: 2000, leases, held: none }, opts());
    expect(d.steal).toHaveLength(1);
  });

  it('does not steal a lease in hand-off, nor count or take finished leases', () => {
    const leases = [
      fresh(lease(0, 'b', { checkpointOwner: 'c' })),
      fresh(lease(1, 'b', { checkpointOwner: 'c' })),
      fresh(lease(2, 'b', { checkpointOwner: 'c' })),
      fresh(lease(3, undefined, { checkpoint: sentinel(SENTINEL.SHARD_END) })),
    ];
    const d = decideAssignment({ workerId: 'a', now: 2000, leases, held: none }, opts());
    expect(d.take).toEqual([]);
    expect(d.steal).toEqual([]);
  });

  it('claims leases handed to it once the hand-off completed or timed out', () => {
    const done = fresh(lease(0, 'a'));
    const pending = fresh(lease(1, 'a', { checkpointOwner: 'b' }), 1000);
    const input = { workerId: 'a', leases: [done, pending], held: none };
    expect(decideAssignment({ ...input, now: 2000 }, opts()).claim.map((l) => l.leaseKey)).toEqual([
      done.lease.leaseKey,
    ]);
    expect(decideAssignment({ ...input, now: 4001 }, opts()).claim).toHaveLength(2);
  });

  it('respects maxLeasesForWorker', () => {
    const leases = [0, 1, 2, 3, 4, 5].map((i) => fresh(lease(i)));
    const d = decideAssignment(
      { workerId: 'a', now: 2000, leases, held: none },
      opts({ maxLeasesForWorker: 2 }),
    );
    expect(d.take).toHaveLength(2);
  });

  it('rejects invalid options', () => {
    expect(() =>
      decideAssignment(
        { workerId: 'a', now: 0, leases: [], held: none },
        opts({ failoverTimeMs: 0 }),
      ),
    ).toThrow();
  });

  const world = fc.record({
    workers: fc.integer({ min: 1, max: 6 }),
    leases: fc.integer({ min: 0, max: 20 }),
    owners: fc.array(fc.integer({ min: -1, max: 7 }), { minLength: 20, maxLength: 20 }),
    ages: fc.array(fc.integer({ min: 0, max: 2 * FAILOVER }), { minLength: 20, maxLength: 20 }),
    maxSteals: fc.integer({ min: 0, max: 3 }),
    maxLeases: fc.integer({ min: 1, max: 25 }),
    seed: fc.integer(),
  });

  it('never plans beyond the target, steals only when nothing is expired, within limits', () => {
    fc.assert(
      fc.property(world, (w) => {
        const now = 100_000;
        const views = Array.from({ length: w.leases }, (_, i) => {
          const o = w.owners[i] as number;
          return {
            lease: lease(i, o < 0 ? undefined : `w${o}`),
            lastChangeAt: now - (w.ages[i] as number),
          };
        });
        const held = new Set(
          views.filter((v) => v.lease.leaseOwner === 'w0').map((v) => v.lease.leaseKey),
        );
        const rng = prng(w.seed);
        const d = decideAssignment(
          { workerId: 'w0', now, leases: views, held },
          opts({
            maxStealsPerCycle: w.maxSteals,
            maxLeasesForWorker: w.maxLeases,
            random: () => rng.next(),
          }),
        );
        const isExpired = (v: LeaseView) =>
          !held.has(v.lease.leaseKey) &&
          (v.lease.leaseOwner === undefined || now - v.lastChangeAt > FAILOVER);
        expect(held.size + d.take.length + d.steal.length).toBeLessThanOrEqual(
          Math.max(held.size, d.target),
        );
        expect(d.target).toBeLessThanOrEqual(w.maxLeases);
        expect(d.steal.length).toBeLessThanOrEqual(w.maxSteals);
        for (const l of d.take)
          expect(isExpired(views.find((v) => v.lease === l) as LeaseView)).toBe(true);
        if (d.steal.length > 0) {
          expect(views.some(isExpired)).toBe(false);
          expect(new Set(d.steal.map((l) => l.leaseOwner)).size).toBe(1);
          expect(d.steal.every((l) => l.leaseOwner !== 'w0')).toBe(true);
        }
        expect(new Set([...d.take, ...d.steal]).size).toBe(d.take.length + d.steal.length);
      }),
      { numRuns: 500 },
    );
  });

  it('converges: workers repeatedly deciding reach a balanced table (max - min <= 1)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 24 }),
        fc.integer(),
        (workers, count, seed) => {
          const rng = prng(seed);
          const owner = new Map<string, string | undefined>();
          for (let i = 0; i < count; i += 1) owner.set(lease(i).leaseKey, undefined);
          const names = Array.from({ length: workers }, (_, i) => `w${i}`);
          for (let round = 0; round < 3 * count + 5; round += 1) {
            for (const me of names) {
              const views = [...owner].map(([key, o], i) =>
                fresh({ ...lease(i, o), leaseKey: key }, 1000),
              );
              const held = new Set([...owner].filter(([, o]) => o === me).map(([k]) => k));
              const d = decideAssignment(
                { workerId: me, now: 2000, leases: views, held },
                opts({ random: () => rng.next() }),
              );
              for (const l of [...d.take, ...d.steal]) owner.set(l.leaseKey, me);
            }
          }
          const per = names.map((n) => [...owner.values()].filter((o) => o === n).length);
          expect([...owner.values()].every((o) => o !== undefined)).toBe(true);
          expect(Math.max(...per) - Math.min(...per)).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 300 },
    );
  });
});
