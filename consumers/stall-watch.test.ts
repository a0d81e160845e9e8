import type { ShardStatus } from './shard-consumer.js';
import { StallWatch, type ShardStalled } from './stall-watch.js';

const status = (over: Partial<ShardStatus>): ShardStatus => ({
  shardId: 'shardId-000',
  state: 'processing',
  unacked: 0,
  delivered: 0,
  ...over,
});

describe('StallWatch', () => {
  let t = 0;
  let events: ShardStalled[] = [];
  const watch = () =>
    new StallWatch({ stallAfterMs: 1_000, now: () => t, onStalled: (e) => events.push(e) });
  beforeEach(() => {
    t = 10_000;
    events = [];
  });

  it('reports a shard without reads once, and again only after it read in between', () => {
    const w = watch();
    w.check([status({ lastReadAt: 9_500 })]);
    expect(events).toEqual([]);
    w.check([status({ lastReadAt: 8_000 })]);
    w.check([status({ lastReadAt: 8_000 })]);
    expect(events).toEqual([
      { type: 'shard.stalled', shardId: 'shardId-000', reason: 'no-reads', sinceMs: 1_000 },
    ]);
    w.check([status({ lastReadAt: 9_900 })]);
    w.check([status({ lastReadAt: 8_000 })]);
    expect(events).toHaveLength(2);
  });

  it('reports unacked records without ack or record progress as no-acks', () => {
    const w = watch();
    w.check([status({ lastReadAt: t, unacked: 5, lastRecordAt: 9_500, lastAckAt: 8_000 })]);
    expect(events).toEqual([]);
    w.check([status({ lastReadAt: t, unacked: 5, lastRecordAt: 8_500, lastAckAt: 8_000 })]);
    expect(events.map((e) => e.reason)).toEqual(['no-acks']);
    // nothing unacked: not stalled, however old the last ack
    const other = watch();
    other.check([status({ lastReadAt: t, unacked: 0, lastAckAt: 0 })]);
    expect(events).toHaveLength(1);
  });

  it('ignores shards that are not processing, and a shard that never read yet', () => {
    const w = watch();
    w.check([
      status({ shardId: 'a', state: 'initializing', lastReadAt: 0 }),
      status({ shardId: 'b', state: 'waiting-on-parents', unacked: 3, lastAckAt: 0 }),
      status({ shardId: 'c' }),
    ]);
    expect(events).toEqual([]);
  });

  it('checks a quarter of the stall time, within 100 ms and 5 s', () => {
    expect(watch().periodMs).toBe(250);
    expect(
      new StallWatch({ stallAfterMs: 60_000, now: () => 0, onStalled: () => {} }).periodMs,
    ).toBe(5_000);
    expect(new StallWatch({ stallAfterMs: 100, now: () => 0, onStalled: () => {} }).periodMs).toBe(
      100,
    );
  });
});
