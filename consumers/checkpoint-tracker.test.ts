import fc from 'fast-check';
import { PositionSet } from '../core/index.js';
import { CheckpointTracker } from './checkpoint-tracker.js';

const pos = (i: number) => ({
  sequenceNumber: String(1000 + Math.floor(i / 3)),
  subSequenceNumber: i % 3,
});

describe('CheckpointTracker', () => {
  it('registers a delivered batch at once and checkpoints plain sequence positions', () => {
    const t = new CheckpointTracker('s', 3);
    const batch = [3, 4, 5].map((ordinal) => ({
      position: { shardId: 's', ordinal, ...pos(ordinal) },
    }));
    t.deliveredAll(batch);
    expect(() => t.deliveredAll(batch)).toThrow(RangeError); // ordinals must continue
    expect(t.positionOf(4)).toEqual(pos(4));
    expect(t.ack(PositionSet.range('s', 3, 4))).toBe(2);
    expect(t.checkpointable()).toEqual(pos(4)); // no shard id or ordinal in a checkpoint
    expect(t.unacked).toBe(1);
    t.delivered(6, pos(6));
    expect(t.ack(PositionSet.range('s', 5, 6))).toBe(2);
    expect(t.checkpointable()).toEqual(pos(6));
  });

  it('advances only over the contiguous acknowledged prefix', () => {
    const t = new CheckpointTracker('s', 10);
    for (let i = 10; i < 16; i += 1) t.delivered(i, pos(i));
    expect(t.ack(PositionSet.range('s', 12, 13))).toBe(0);
    expect(t.checkpointable()).toBeUndefined();
    expect(t.ack(PositionSet.single('s', 10))).toBe(1);
    expect(t.checkpointable()).toEqual(pos(10));
    expect(t.ack(PositionSet.single('s', 11))).toBe(3);
    expect(t.checkpointable()).toEqual(pos(13)); // points inside an aggregated record
    expect(t.unacked).toBe(2);
    t.markCheckpointed(pos(13));
    expect(t.checkpointable()).toBeUndefined();
  });

  it('ignores other shards, older sessions and undelivered ordinals', () => {
    const t = new CheckpointTracker('s', 5);
    t.delivered(5, pos(5));
    expect(t.ack(PositionSet.range('other', 0, 100).union(PositionSet.range('s', 0, 4)))).toBe(0);
    expect(t.ack(PositionSet.range('s', 0, 50))).toBe(1);
    expect(t.unacked).toBe(0);
    t.delivered(6, pos(6));
    expect(t.unacked).toBe(1); // the early ack of 6 did not count
    expect(() => t.delivered(8, pos(8))).toThrow(RangeError);
  });

  it('resolves in-flight ordinals to their sequence positions, and nothing outside the window', () => {
    const t = new CheckpointTracker('shardId-1', 10);
    for (let i = 0; i < 4; i += 1)
      t.delivered(10 + i, { sequenceNumber: `${100 + i}`, subSequenceNumber: 0 });
    expect(t.positionOf(12)).toEqual({ sequenceNumber: '102', subSequenceNumber: 0 });
    t.ack(PositionSet.range('shardId-1', 10, 11));
    expect(t.positionOf(11)).toBeUndefined(); // passed by the acked prefix
    expect(t.positionOf(13)).toEqual({ sequenceNumber: '103', subSequenceNumber: 0 });
    expect(t.positionOf(14)).toBeUndefined(); // not delivered
  });

  it('for any ack order, the checkpoint is the last record of the acked prefix', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.array(fc.nat(59)), (n, acks) => {
        const t = new CheckpointTracker('s', 0);
        for (let i = 0; i < n; i += 1) t.delivered(i, pos(i));
        const acked = new Set<number>();
        let marked = 0;
        for (const a of acks) {
          t.ack(PositionSet.single('s', a));
          if (a < n) acked.add(a);
          let prefix = 0;
          while (acked.has(prefix)) prefix += 1;
          expect(t.unacked).toBe(n - prefix);
          const cp = t.checkpointable();
          if (prefix === marked) expect(cp).toBeUndefined();
          else {
            expect(cp).toEqual(pos(prefix - 1));
            t.markCheckpointed(cp as ReturnType<typeof pos>);
            marked = prefix;
          }
        }
      }),
    );
  });
});
