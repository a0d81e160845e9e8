import fc from 'fast-check';
import { deaggregate } from './aggregation.js';
import { planCall, type PlanOptions, type QueuedRecord } from './batcher.js';
import { checkRecord } from './limits.js';
import { ShardMap, hashKeyOf } from './shard-map.js';

const TOP = (1n << 128n) - 1n;
const map = ShardMap.fromShards(
  [0, 1, 2].map((i) => ({
    ShardId: `s${i}`,
    HashKeyRange: {
      StartingHashKey: String((TOP / 3n) * BigInt(i) + (i === 0 ? 0n : 1n)),
      EndingHashKey: String(i === 2 ? TOP : (TOP / 3n) * BigInt(i + 1)),
    },
  })),
);

const queued = (partitionKey: string, bytes: number, notBefore = 0): QueuedRecord => {
  const record = checkRecord({ partitionKey, data: new Uint8Array(bytes).fill(7) });
  return { record, hash: hashKeyOf(record), notBefore };
};
const queuesOf = (items: QueuedRecord[]) => {
  const queues = new Map<string, QueuedRecord[]>();
  for (const q of items) {
    const shard = map.shardFor(q.hash)!;
    queues.set(shard, [...(queues.get(shard) ?? []), q]);
  }
  return queues;
};
const options = (over: Partial<PlanOptions> = {}): PlanOptions => ({
  aggregate: false,
  aggregationMaxBytes: 51_200,
  maxAggregatableBytes: 25_600,
  maxEntries: 500,
  maxBytes: 5 * 1024 * 1024,
  now: 0,
  budget: () => ({ entries: 1_000, bytes: 1024 * 1024 }),
  ...over,
});

describe('planCall', () => {
  it('caps a call at 500 entries and leaves the rest queued in order', () => {
    const queues = new Map([['s0', Array.from({ length: 600 }, (_, i) => queued(`k${i}`, 10))]]);
    const planned = planCall(queues, ['s0'], options());
    expect(planned).toHaveLength(500);
    expect(queues.get('s0')).toHaveLength(100);
    expect(queues.get('s0')![0]!.record.partitionKey).toBe('k500');
  });

  it('caps a call at 5 MiB', () => {
    const big = (i: number) => queued(`k${i}`, 1024 * 1024 - 10);
    const queues = new Map([['s0', [0, 1, 2, 3, 4, 5].map(big)]]);
    const planned = planCall(
      queues,
      ['s0'],
      options({ budget: () => ({ entries: 99, bytes: 1e9 }) }),
    );
    expect(planned).toHaveLength(5);
    expect(planned.reduce((n, e) => n + e.size, 0)).toBeLessThanOrEqual(5 * 1024 * 1024);
  });

  it('takes only what each shard budget allows', () => {
    const queues = queuesOf(Array.from({ length: 60 }, (_, i) => queued(`k${i}`, 100)));
    const planned = planCall(
      queues,
      [...queues.keys()],
      options({
        budget: (s) => (s === 's0' ? { entries: 2, bytes: 1e9 } : { entries: 1e9, bytes: 250 }),
      }),
    );
    const per = (s: string) => planned.filter((e) => e.shardId === s).length;
    expect(per('s0')).toBe(2);
    expect(per('s1')).toBe(2); // 2 × 102 bytes ≤ 250
    expect(per('s2')).toBe(2);
  });

  it('stops at a record still backing off, keeping per-shard order', () => {
    const queues = new Map([['s0', [queued('a', 1), queued('b', 1, 50), queued('c', 1)]]]);
    const planned = planCall(queues, ['s0'], options({ now: 10 }));
    expect(planned.map((e) => e.entry.partitionKey)).toEqual(['a']);
  });

  it('aggregates within 50 KiB, sends large records alone, and round-trips through the deaggregator', () => {
    const items = [queued('a', 100), queued('a', 30_000), queued('a', 200), queued('a', 300)];
    const queues = new Map([['s0', items]]);
    const planned = planCall(queues, ['s0'], options({ aggregate: true }));
    expect(planned.map((e) => [e.aggregated, e.items.length])).toEqual([
      [false, 1],
      [false, 1],
      [true, 2],
    ]);
    const agg = planned[2]!;
    const back = deaggregate({
      partitionKey: agg.entry.partitionKey,
      sequenceNumber: '1',
      data: agg.entry.data,
    });
    expect(back.map((r) => r.data.length)).toEqual([200, 300]);
  });

  it('never lets an aggregated record straddle shards or exceed its limits (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.string({ minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 40_000 })),
          {
            minLength: 1,
            maxLength: 120,
          },
        ),
        (specs) => {
          const queues = queuesOf(specs.map(([k, n]) => queued(k, n)));
          const planned = planCall(queues, [...queues.keys()], options({ aggregate: true }));
          expect(planned.length).toBeGreaterThan(0);
          for (const e of planned) {
            expect(e.entry.data.byteLength).toBeLessThanOrEqual(
              e.aggregated ? 51_200 : 1024 * 1024,
            );
            for (const item of e.items) expect(map.shardFor(item.hash)).toBe(e.shardId);
            if (e.aggregated) expect(map.shardFor(hashKeyOf(e.entry))).toBe(e.shardId);
          }
          expect(planned.reduce((n, e) => n + e.size, 0)).toBeLessThanOrEqual(5 * 1024 * 1024);
        },
      ),
      { numRuns: 60 },
    );
  });
});
