import { VirtualClock, settle } from '../core/index.js';
import type { PlannedEntry } from './batcher.js';
import type { KinesisWriter } from './kinesis-writer.js';
import { checkRecord } from './limits.js';
import type { ProducerEvent } from './producer-events.js';
import { resolveProducerOptions } from './producer-options.js';
import { ProducerState, type Pending } from './producer-state.js';
import { hashKeyOf, type ShardDescription } from './shard-map.js';
import { ShardPredictor } from './shard-prediction.js';

const TOP = (1n << 128n) - 1n;
const HALF = 1n << 127n;
const shard = (id: string, from: bigint, to: bigint): ShardDescription => ({
  ShardId: id,
  HashKeyRange: { StartingHashKey: String(from), EndingHashKey: String(to) },
});
const PARENT = [shard('shard-0', 0n, TOP)];
const CHILDREN = [shard('shard-1', 0n, HALF - 1n), shard('shard-2', HALF, TOP)];

/** A predictor over a stream whose open shards the test sets; counts pumps and failures. */
function harness() {
  const clock = new VirtualClock();
  let shards: ShardDescription[] = PARENT;
  const writer: KinesisWriter = {
    listShards: async () => shards,
    putRecords: async () => [],
    putRecord: async () => ({ shardId: 'unused', sequenceNumber: '0' }),
  };
  const events: ProducerEvent[] = [];
  const options = resolveProducerOptions({ writer, clock, onEvent: (e) => events.push(e) });
  const state = new ProducerState({
    clock,
    recordsPerSecond: 1_000,
    bytesPerSecond: 1 << 20,
    maxBufferedRecords: 1_000,
    maxBufferedBytes: 1 << 20,
  });
  let pumps = 0;
  const predictor = new ShardPredictor({
    options,
    state,
    fail: () => {
      throw new Error('nothing fails here');
    },
    pump: () => (pumps += 1),
  });
  const pending = (i: number): Pending => {
    const record = checkRecord({ partitionKey: `device-${i}`, data: new Uint8Array(8) });
    return {
      id: state.admit(),
      record,
      hash: hashKeyOf(record),
      notBefore: 0,
      enqueuedAt: 0,
      deadline: 30_000,
      attempts: 1,
      lastCode: 'none',
      resolve: () => undefined,
      reject: () => undefined,
    };
  };
  const queued = (id: string) => state.queues.get(id)?.length ?? 0;
  return {
    clock,
    state,
    predictor,
    events,
    pending,
    queued,
    pumps: () => pumps,
    reshard: () => (shards = CHILDREN),
  };
}

describe('ShardPredictor', () => {
  it('holds records unassigned until the first map, then routes them by hash key', async () => {
    const h = harness();
    h.predictor.route([h.pending(1), h.pending(2)]);
    expect(h.predictor.current).toBeUndefined();
    expect(h.predictor.ready(0)).toBe(false); // starts the first ListShards
    expect(h.predictor.ready(0)).toBe(false); // one at a time
    await settle();
    expect(h.events).toEqual([{ type: 'producer.shard-map', openShards: 1 }]);
    expect(h.pumps()).toBe(1);
    expect(h.queued('shard-0')).toBe(2);
    expect(h.predictor.ready(0)).toBe(true);
    await h.clock.advance(60_001); // shardMapTtlMs: stale again, reloaded
    expect(h.predictor.ready(h.clock.now())).toBe(false);
  });

  it('after a resharding re-sends, once, the records of a misplaced aggregate outside the shard it landed on', async () => {
    const h = harness();
    expect(h.predictor.ready(0)).toBe(false);
    await settle();
    const items = Array.from({ length: 40 }, (_, i) => h.pending(i));
    const low = items.filter((p) => p.hash < HALF).length;
    expect(low).toBeGreaterThan(0);
    expect(low).toBeLessThan(items.length);
    h.reshard();
    // an aggregate predicted for the parent landed on the low child
    const entry: PlannedEntry<Pending> = {
      shardId: 'shard-0',
      entry: { partitionKey: 'device-0', data: new Uint8Array(0) }, // not looked at
      items,
      size: 0,
      aggregated: true,
    };
    h.predictor.mispredicted(entry, 'shard-1');
    expect(h.predictor.hasSuspects).toBe(true);
    expect(h.predictor.ready(0)).toBe(false); // stale: reloads
    await settle();
    const high = items.length - low;
    expect(h.events.slice(1)).toEqual([
      { type: 'producer.misprediction', predicted: 'shard-0', actual: 'shard-1' },
      { type: 'producer.shard-map', openShards: 2 },
      { type: 'producer.straddle', shardId: 'shard-1', records: high },
    ]);
    expect(h.predictor.hasSuspects).toBe(false);
    expect(h.queued('shard-2')).toBe(high); // the copies, routed by the new map
    expect(h.queued('shard-1')).toBe(0);
    expect(h.state.counters.resent).toBe(high);
    const copies = h.state.queues.get('shard-2') ?? [];
    expect(copies.every((p) => p.copy === true && p.attempts === 0)).toBe(true);
  });
});
