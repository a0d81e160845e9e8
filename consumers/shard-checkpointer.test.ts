import { PositionSet } from '../core/index.js';
import { CheckpointTracker } from './checkpoint-tracker.js';
import type { ExtendedSequenceNumber, Lease } from './lease.js';
import { ShardCheckpointer } from './shard-checkpointer.js';
import type { ShardEvent } from './shard-types.js';

const pos = (i: number): ExtendedSequenceNumber => ({
  sequenceNumber: String(1000 + i),
  subSequenceNumber: 0,
});

/** A checkpointer over a tracker of ordinals 0–9, whose writes wait until released. */
function harness(options: { checkpointEvery?: number; sessionCommits?: boolean } = {}) {
  const tracker = new CheckpointTracker('s', 0);
  for (let i = 0; i < 10; i += 1) tracker.delivered(i, pos(i));
  const writes: { cp: ExtendedSequenceNumber; children?: readonly string[]; state?: string }[] = [];
  const events: ShardEvent[] = [];
  let fail = false;
  let lost = false;
  let written = 0;
  const checkpointer = new ShardCheckpointer({
    shardId: 's',
    deps: {
      lease: { stateRef: 'lease-state' } as Lease,
      checkpoint: async (cp, children, state) => {
        // SHARD_END is quicker: it would overtake a checkpoint it did not wait for
        await new Promise((r) => setTimeout(r, cp.sequenceNumber === 'SHARD_END' ? 1 : 10));
        if (fail) throw new Error('conditional check failed');
        writes.push({ cp, ...(children?.length ? { children } : {}), ...(state ? { state } : {}) });
      },
      onEvent: (e) => events.push(e),
    },
    options: {
      checkpointEvery: options.checkpointEvery ?? 100,
      sessionCommits: options.sessionCommits,
    },
    tracker: () => tracker,
    leaseLost: () => lost,
    written: () => (written += 1),
  });
  const ack = (from: number, to: number) => tracker.ack(PositionSet.range('s', from, to));
  return {
    checkpointer,
    tracker,
    writes,
    events,
    ack,
    written: () => written,
    failWrites: () => (fail = true),
    loseLease: () => (lost = true),
  };
}

describe('ShardCheckpointer', () => {
  it('writes the acked prefix once checkpointEvery acks were counted, and only if it moved', async () => {
    const h = harness({ checkpointEvery: 3 });
    h.checkpointer.acked(h.ack(0, 1));
    await h.checkpointer.checkpointNow(); // on demand: the prefix moved to 1
    h.checkpointer.acked(h.ack(2, 2));
    h.checkpointer.acked(h.ack(3, 3)); // 2 acks since the last write: not yet
    await new Promise((r) => setTimeout(r, 20));
    expect(h.writes.map((w) => w.cp)).toEqual([pos(1)]);
    h.checkpointer.acked(h.ack(4, 4)); // the 3rd
    await h.checkpointer.checkpointNow(); // serialized behind it; the prefix did not move
    expect(h.writes.map((w) => w.cp)).toEqual([pos(1), pos(4)]);
    expect(h.written()).toBe(2);
    expect(h.events.filter((e) => e.type === 'shard.checkpointed')).toHaveLength(2);
  });

  it('writes SHARD_END after the checkpoint in flight, and nothing after it', async () => {
    const h = harness({ sessionCommits: true });
    h.ack(0, 8);
    const before = h.checkpointer.checkpointNow();
    await new Promise((r) => setTimeout(r, 1)); // its write is in flight
    const end = h.checkpointer.writeShardEnd(['child-1']);
    expect(h.checkpointer.finalWritten).toBe(true);
    h.ack(9, 9); // the prefix moves, but SHARD_END is being written
    const after = h.checkpointer.checkpointNow();
    await Promise.all([before, end, after]);
    expect(h.writes).toEqual([
      { cp: pos(8), state: 'lease-state' },
      {
        cp: { sequenceNumber: 'SHARD_END', subSequenceNumber: 0 },
        children: ['child-1'],
        state: 'lease-state',
      },
    ]);
  });

  it('names the committed state reference, and none without sessions', async () => {
    const h = harness({ sessionCommits: true });
    h.ack(0, 2);
    h.checkpointer.stateRef = 'snap-1';
    await h.checkpointer.checkpointNow();
    expect(h.checkpointer.names('snap-1')).toBe(true);
    expect(h.writes.at(-1)).toEqual({ cp: pos(2), state: 'snap-1' });

    const plain = harness();
    plain.ack(0, 0);
    await plain.checkpointer.checkpointNow();
    expect(plain.writes).toEqual([{ cp: pos(0) }]);
  });

  it('writes nothing once the lease is lost, and reports a failed write without throwing', async () => {
    const h = harness();
    h.ack(0, 0);
    h.failWrites();
    await expect(h.checkpointer.checkpointNow()).resolves.toBeUndefined();
    expect(h.events.map((e) => e.type)).toEqual(['shard.error']);
    expect(h.tracker.checkpointable()).toEqual(pos(0)); // still to be written
    h.loseLease();
    await h.checkpointer.checkpointNow();
    expect(h.events).toHaveLength(1); // not even attempted
    expect(h.writes).toEqual([]);
  });
});
