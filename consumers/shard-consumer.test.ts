import { PositionSet } from '../core/index.js';
import { SENTINEL, sentinel, type ExtendedSequenceNumber, type Lease } from './lease.js';
import { ShardConsumer, type ShardBatch, type ShardEvent } from './shard-consumer.js';
import type { ReadResult } from './shard-reader.js';
import { kinesisRecord as rec, scriptedReader, shardLease } from './testing/shard-fixtures.js';

function harness(
  pages: ReadResult[],
  lease: Partial<Lease> = {},
  opts: { maxUnacked?: number } = {},
) {
  const checkpoints: ExtendedSequenceNumber[] = [];
  const batches: ShardBatch[] = [];
  const states: string[] = [];
  let relinquished = 0;
  let finished = 0;
  let parents = true;
  let ordinal = 100;
  const shard = new ShardConsumer(
    {
      lease: shardLease(lease),
      makeReader: () => scriptedReader(pages),
      parentsDone: async () => parents,
      checkpoint: async (cp) => void checkpoints.push(cp),
      createChildLeases: async () => {},
      relinquish: async () => void (relinquished += 1),
      finished: () => void (finished += 1),
      takeOrdinals: (n: number) => ((ordinal += n), ordinal - n),
      peekOrdinal: () => ordinal,
      emit: (b) => batches.push(b),
      onEvent: (e: ShardEvent) => {
        if (e.type === 'shard.state') states.push(e.state + (e.outcome ? `:${e.outcome}` : ''));
      },
    },
    {
      maxUnacked: opts.maxUnacked ?? 1000,
      checkpointEvery: 1000,
      checkpointIntervalMs: 60_000,
      parentPollMs: 5,
      now: Date.now,
    },
  );
  return {
    shard,
    checkpoints,
    batches,
    states,
    setParents: (v: boolean) => (parents = v),
    counts: () => ({ relinquished, finished }),
  };
}

const until = async (f: () => boolean) => {
  for (let i = 0; i < 500 && !f(); i += 1) await new Promise((r) => setTimeout(r, 2));
  if (!f()) throw new Error('condition not reached');
};
const ackAll = (h: { shard: ShardConsumer; batches: ShardBatch[] }) => {
  for (const b of h.batches) h.shard.ack(b.positions);
};

describe('ShardConsumer state machine', () => {
  it('waits on parents, processes, and at SHARD_END checkpoints only after every ack', async () => {
    const h = harness([
      { records: [rec(1), rec(2)], shardEnd: false },
      { records: [rec(3)], shardEnd: true },
    ]);
    h.setParents(false);
    const done = h.shard.run();
    await new Promise((r) => setTimeout(r, 30));
    expect(h.shard.state).toBe('waiting-on-parents');
    h.setParents(true);
    await until(() => h.shard.state === 'shutting-down');
    expect(h.batches.flatMap((b) => b.records.map((r) => r.position.ordinal))).toEqual([
      100, 101, 102,
    ]);
    expect(h.checkpoints).toEqual([]);
    h.shard.ack(h.batches[1]!.positions);
    await new Promise((r) => setTimeout(r, 20));
    expect(h.checkpoints).toEqual([]); // 100 and 101 not acked yet
    ackAll(h);
    expect(await done).toBe('shard-ended');
    expect(h.checkpoints.at(-1)).toEqual(sentinel(SENTINEL.SHARD_END));
    expect(h.counts().finished).toBe(1);
    expect(h.states).toEqual(['initializing', 'processing', 'shutting-down', 'done:shard-ended']);
  });

  it('after lease loss writes no checkpoint, even for acked records', async () => {
    const h = harness([{ records: [rec(1), rec(2)], shardEnd: false }]);
    const done = h.shard.run();
    await until(() => h.batches.length === 1);
    h.shard.leaseLost();
    ackAll(h);
    expect(await done).toBe('lease-lost');
    await h.shard.checkpointNow();
    expect(h.checkpoints).toEqual([]);
    expect(h.counts().relinquished).toBe(0);
  });

  it('on a requested shutdown stops reading, drains acks until the deadline, checkpoints and relinquishes', async () => {
    const h = harness([{ records: [rec(1), rec(2), rec(3)], shardEnd: false }]);
    const done = h.shard.run();
    await until(() => h.batches.length === 1);
    h.shard.requestShutdown(Date.now() + 2_000);
    expect(h.shard.state).toBe('shutdown-requested');
    setTimeout(() => ackAll(h), 30);
    expect(await done).toBe('requested');
    expect(h.checkpoints).toEqual([{ sequenceNumber: '3', subSequenceNumber: 0 }]);
    expect(h.counts().relinquished).toBe(1);
  });

  it('at the drain deadline checkpoints only the acked prefix', async () => {
    const h = harness([{ records: [rec(1), rec(2), rec(3)], shardEnd: false }]);
    const done = h.shard.run();
    await until(() => h.batches.length === 1);
    h.shard.ack(PositionSet.single('s', 100));
    h.shard.requestShutdown(Date.now() + 50);
    await done;
    expect(h.checkpoints).toEqual([{ sequenceNumber: '1', subSequenceNumber: 0 }]);
  });

  it('skips records the checkpoint covers and applies back-pressure', async () => {
    const h = harness(
      [
        { records: [rec(1), rec(2), rec(3)], shardEnd: false },
        { records: [rec(4)], shardEnd: false },
      ],
      { checkpoint: { sequenceNumber: '2', subSequenceNumber: 0 } },
      { maxUnacked: 1 },
    );
    const done = h.shard.run();
    await until(() => h.batches.length === 1);
    expect(h.batches[0]!.records.map((r) => r.position.sequenceNumber)).toEqual(['3']);
    await new Promise((r) => setTimeout(r, 30));
    expect(h.batches).toHaveLength(1); // 1 unacked = bound: no fetch
    ackAll(h);
    await until(() => h.batches.length === 2);
    h.shard.requestShutdown(Date.now());
    await done;
  });
});
