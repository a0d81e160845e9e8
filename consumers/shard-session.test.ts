import { SENTINEL, sentinel, type ExtendedSequenceNumber, type Lease } from './lease.js';
import { ShardConsumer, type ShardBatch } from './shard-consumer.js';
import type { ReadResult } from './shard-reader.js';
import type { SessionEndReason, ShardSession } from './shard-session.js';
import { kinesisRecord as rec, scriptedReader, shardLease } from './testing/shard-fixtures.js';

/** A shard consumer in session mode, recording checkpoints with their state references. */
function harness(pages: ReadResult[], lease: Partial<Lease> = {}) {
  const written: { cp: ExtendedSequenceNumber; state: string | undefined }[] = [];
  const sessions: ShardSession[] = [];
  const batches: ShardBatch[] = [];
  let relinquished = 0;
  let ordinal = 0;
  const shard = new ShardConsumer(
    {
      lease: shardLease(lease),
      makeReader: () => scriptedReader(pages),
      parentsDone: async () => true,
      checkpoint: async (cp, _children, state) => void written.push({ cp, state }),
      createChildLeases: async () => {},
      relinquish: async () => void (relinquished += 1),
      finished: () => {},
      takeOrdinals: (n: number) => ((ordinal += n), ordinal - n),
      peekOrdinal: () => ordinal,
      emit: () => {},
      onEvent: () => {},
      sessionStarted: (s) => {
        sessions.push(s);
        s.records.subscribe((b) => batches.push(b));
      },
    },
    {
      maxUnacked: 1000,
      checkpointEvery: 1000,
      checkpointIntervalMs: 60_000,
      parentPollMs: 5,
      now: Date.now,
      sessionCommits: true,
    },
  );
  return { shard, written, sessions, batches, relinquished: () => relinquished };
}

const until = async (f: () => boolean) => {
  for (let i = 0; i < 500 && !f(); i += 1) await new Promise((r) => setTimeout(r, 2));
  if (!f()) throw new Error('condition not reached');
};

describe('shard sessions', () => {
  it('a commit writes the checkpoint and its state reference in one write', async () => {
    const h = harness([{ records: [rec(1), rec(2), rec(3)], shardEnd: false }], {
      stateRef: 'old',
    });
    const run = h.shard.run();
    await until(() => h.batches.length === 1);
    expect(h.sessions[0]?.lease.stateRef).toBe('old');
    await expect(h.sessions[0]?.commit({ upTo: 1, state: 'snap-1' })).resolves.toBe(true);
    expect(h.written).toEqual([
      { cp: { sequenceNumber: '2', subSequenceNumber: 0 }, state: 'snap-1' },
    ]);
    const ended = h.sessions[0]?.ended;
    h.shard.requestShutdown(Date.now() + 50);
    await expect(ended).resolves.toBe<SessionEndReason>('shutdownRequested');
    await run;
    // record 3 was never committed: the checkpoint stays at 2 with its snapshot
    expect(h.written.at(-1)).toEqual({
      cp: { sequenceNumber: '2', subSequenceNumber: 0 },
      state: 'snap-1',
    });
    expect(h.relinquished()).toBe(1);
  });

  it('SHARD_END waits for the final commit, not for acks, and carries the final state', async () => {
    const h = harness([{ records: [rec(1), rec(2)], shardEnd: true }]);
    const run = h.shard.run();
    await until(() => h.batches.length === 1);
    await expect(h.sessions[0]?.ended).resolves.toBe<SessionEndReason>('shardEnded');
    await new Promise((r) => setTimeout(r, 30));
    expect(h.written).toEqual([]); // nothing committed yet: no SHARD_END
    await h.sessions[0]?.commit({ upTo: 1, state: 'final', final: true });
    expect(await run).toBe('shard-ended');
    expect(h.written).toEqual([{ cp: sentinel(SENTINEL.SHARD_END), state: 'final' }]);
  });

  it('a shutdown while a shard waits at its end checkpoints what was committed and releases', async () => {
    const h = harness([{ records: [rec(1), rec(2)], shardEnd: true }]);
    const run = h.shard.run();
    await until(() => h.batches.length === 1);
    await h.sessions[0]?.ended;
    await h.sessions[0]?.commit({ upTo: 0, state: 'part' });
    h.shard.requestShutdown(Date.now() + 30);
    await run;
    expect(h.written.map((w) => w.cp.sequenceNumber)).toEqual(['1']);
    expect(h.written.at(-1)?.state).toBe('part');
    expect(h.relinquished()).toBe(1);
  });

  it('a lost lease ends the session with leaseLost and rejects later commits', async () => {
    const h = harness([{ records: [rec(1)], shardEnd: false }]);
    const run = h.shard.run();
    await until(() => h.batches.length === 1);
    h.shard.leaseLost();
    await expect(h.sessions[0]?.ended).resolves.toBe<SessionEndReason>('leaseLost');
    await expect(h.sessions[0]?.commit({ upTo: 0, state: 'x' })).rejects.toThrow();
    await run;
    expect(h.written).toEqual([]);
  });
});

describe('the state reference on the lease item', () => {
  it('is our own attribute next to untouched KCL attributes, and round-trips', async () => {
    const { toItem, fromItem } = await import('./lease-serializer.js');
    const lease: Lease = {
      leaseKey: 's',
      leaseOwner: 'w',
      leaseCounter: 3,
      checkpoint: { sequenceNumber: '42', subSequenceNumber: 0 },
      ownerSwitchesSinceCheckpoint: 0,
      parentShardIds: [],
      childShardIds: [],
      stateRef: 's3://b/state/s/1.json.gz',
    };
    const item = toItem(lease);
    expect(item.shardflowState).toEqual({ S: 's3://b/state/s/1.json.gz' });
    expect(item.checkpoint).toEqual({ S: '42' });
    expect(fromItem(item)).toEqual(lease);
    const { stateRef: _omit, ...without } = lease;
    expect(toItem(without).shardflowState).toBeUndefined();
  });
});
