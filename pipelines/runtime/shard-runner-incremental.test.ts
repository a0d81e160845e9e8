/**
 * Incremental snapshots through the shard runner (fake sessions, in-memory store and sinks):
 * barriers after the first write deltas; a crash after a delta commit loses nothing — the
 * next owner restores the chain and every prediction equals an uninterrupted run's; objects
 * superseded by a committed full object are deleted (the store stays bounded); a device
 * idle for longer than the TTL (event time) leaves the state (its ring and open inputs; the
 * silence watcher asks a silent key's detector for a day, so a TTL under a day lets it
 * re-create that detector — the default TTL is 7 days).
 */
import { Subject, asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import type { Lease, SessionCommit, ShardSession } from '../../consumers/index.js';
import { PositionSet, type SourceRecord } from '../../core/index.js';
import { movingAverage } from '../../models/index.js';
import { device, record } from '../../operators/testing/fixtures.js';
import type { Sink, SinkResult } from '../../sinks/index.js';
import { deviceSpec } from '../devices/index.js';
import { MemorySnapshotStore, decodeSnapshot, readSnapshotChain } from '../state/index.js';
import {
  deviceMinutes,
  fakeShardSession,
  until,
  type FakeShardSession,
} from '../testing/fake-shard-session.js';
import {
  createPipeline,
  runPipeline,
  type PipelineEvent,
  type ResultRow,
  type ResultSinks,
} from './index.js';

const rows = () => {
  const kept = new Map<string, ResultRow>();
  const sink: Sink<ResultRow> = {
    write: async (items): Promise<SinkResult<ResultRow>> => {
      for (const i of items) kept.set(`${i.value.key.pk}|${i.value.key.sk}`, i.value);
      return { durable: PositionSet.empty, written: items.length, failures: [] };
    },
  };
  return { kept, sink };
};
const accept = async <T>(items: readonly unknown[]): Promise<SinkResult<T>> => ({
  durable: PositionSet.empty,
  written: items.length,
  failures: [],
});

/**
 * The real-time scheduler, remembering its timers: `watchSilence` (operators/scoring) leaves
 * timers armed while its idle tracker fires (a silent key) scheduled after the chain is torn
 * down — up to 5 minutes — so they are closed after the tests (reported, not ours to fix).
 */
const timers = new Set<Subscription>();
const scheduler: SchedulerLike = {
  now: () => asyncScheduler.now(),
  schedule: ((...args: Parameters<SchedulerLike['schedule']>) => {
    const sub = asyncScheduler.schedule(...args);
    timers.add(sub);
    sub.add(() => timers.delete(sub));
    return sub;
  }) as SchedulerLike['schedule'],
};
afterAll(() => {
  for (const t of timers) t.unsubscribe();
});

function worker(store: MemorySnapshotStore, ttlMs = Infinity) {
  const predictions = rows();
  const sinks: ResultSinks = {
    scores: { write: accept },
    predictions: predictions.sink,
    anomalies: { write: accept },
    readings: { write: accept },
    deadLetters: { write: accept },
  };
  const sessions = new Subject<ShardSession>();
  const events: PipelineEvent[] = [];
  const running = runPipeline({
    consumer: { sessions, shutdown: async () => sessions.complete() },
    pipeline: (ctx) =>
      createPipeline(
        [
          deviceSpec({
            forecaster: movingAverage({ inputLength: 10, span: 5 }),
            forest: { numberOfTrees: 10, sampleSize: 32, outputAfter: 8, seed: 7 },
            thresholder: { minScores: 5 },
          }),
        ],
        ctx,
      ),
    sinks,
    store,
    maxWaitMs: 5,
    snapshotIntervalMs: 15,
    snapshots: { maxDeltas: 3, compactRatio: 100, ttlMs },
    scheduler,
    onEvent: (e) => {
      if (e.type !== 'batch.written') events.push(e);
    },
  });
  return { sessions, running, predictions: predictions.kept, events };
}

/** Feeds `recs` in slices of `minutes` minutes, waiting for a commit after each. */
async function feedWithCommits(s: FakeShardSession, recs: SourceRecord[], perSlice: number) {
  for (let i = 0; i < recs.length; i += perSlice) {
    const n = s.commits.length;
    s.feed(recs.slice(i, i + perSlice));
    await until(() => s.commits.length > n);
  }
}

describe('shard runner with incremental snapshots', () => {
  it('a crash after delta commits: the next owner restores the chain; predictions equal an uninterrupted run; superseded objects deleted', async () => {
    const keys = ['a', 'b', 'c', 'd'];
    const all = deviceMinutes(keys, 0, 40);
    const one = worker(new MemorySnapshotStore());
    const u = fakeShardSession();
    one.sessions.next(u.session);
    u.feed(all);
    u.end('shardEnded');
    await until(() => u.commits.some((c) => c.final));
    await one.running.stop(100);
    const expected = new Map([...one.predictions].map(([k, r]) => [k, r.attributes.value]));
    expect(expected.size).toBeGreaterThan(100);

    const store = new MemorySnapshotStore();
    const first = worker(store);
    const f1 = fakeShardSession();
    first.sessions.next(f1.session);
    // 11 barriers of 2 minutes each: full, 3 deltas, full, 3 deltas, full, 2 deltas
    await feedWithCommits(f1, all.slice(0, 88), 8);
    const kinds = first.events.flatMap((e) => (e.type === 'snapshot.committed' ? [e.kind] : []));
    expect(kinds.join(' ')).toBe('full delta delta delta full delta delta delta full delta delta');
    const committed = f1.commits.at(-1) as SessionCommit;
    expect(committed.upTo).toBe(87);
    const head = decodeSnapshot(await store.get(committed.state as string));
    expect(head.kind).toBe('delta');
    // only the live chain (and at most one chain being replaced) is kept
    expect(store.objects.size).toBeLessThanOrEqual(2 * 4);
    f1.feed(all.slice(88, 120)); // read, never committed
    f1.end('leaseLost');
    await first.running.stop(100);

    const second = worker(store);
    const f2 = fakeShardSession('s', { stateRef: committed.state as string });
    second.sessions.next(f2.session);
    f2.feed(all.slice(88));
    f2.end('shardEnded');
    await until(() => f2.commits.some((c) => c.final));
    await second.running.stop(100);
    const got = new Map(
      [...first.predictions, ...second.predictions].map(([k, r]) => [k, r.attributes.value]),
    );
    expect(got).toEqual(expected);
    const started = second.events.find((e) => e.type === 'session.started');
    expect(started).toMatchObject({ restoredFrom: 'own', keys: 4 });
  });

  it('a device idle for longer than the TTL (event time) leaves the state', async () => {
    const store = new MemorySnapshotStore();
    const w = worker(store, 10 * 60_000);
    const s = fakeShardSession();
    w.sessions.next(s.session);
    const recs = deviceMinutes(['stays', 'stops'], 0, 5);
    for (let m = 5; m < 30; m++) recs.push(record(recs.length, device('stays', m * 60 + 10, 50)));
    await feedWithCommits(s, recs, 10);
    s.end('shardEnded');
    await until(() => s.commits.some((c) => c.final));
    await w.running.stop(100);
    const final = s.commits.find((c) => c.final)?.state as string;
    const { states } = await readSnapshotChain((r) => store.get(r), final);
    expect(Object.keys(states['devices.ring'] ?? {})).toEqual(['stays']);
    expect(Object.keys(states['devices.pending'] ?? {})).toEqual(['stays']);
    const expired = w.events.reduce(
      (n, e) => n + (e.type === 'snapshot.committed' ? e.expired : 0),
      0,
    );
    expect(expired).toBe(1);
  });

  it("a merge child deletes its parents' final objects (and what they superseded) after its first commit; a split parent's object is kept for the sibling", async () => {
    const store = new MemorySnapshotStore();
    const ofShard = (id: string) =>
      [...store.objects.keys()].filter((r) => r.startsWith(`memory://${id}/`));
    /** Runs a parent over 12 minutes with a commit every 2, then ends it; its final lease. */
    const parent = async (id: string, children: string[]): Promise<Lease> => {
      const w = worker(store);
      const p = fakeShardSession(id);
      w.sessions.next(p.session);
      await feedWithCommits(p, deviceMinutes([`${id}-a`, `${id}-b`], 0, 12), 4);
      p.end('shardEnded');
      await until(() => p.commits.some((c) => c.final));
      await w.running.stop(100);
      const final = p.commits.find((c) => c.final)?.state as string;
      expect(decodeSnapshot(await store.get(final)).superseded?.length).toBeGreaterThan(0);
      return {
        leaseKey: id,
        leaseCounter: 3,
        checkpoint: { sequenceNumber: 'SHARD_END', subSequenceNumber: 0 },
        ownerSwitchesSinceCheckpoint: 0,
        parentShardIds: [],
        childShardIds: children,
        stateRef: final,
      };
    };
    const p1 = await parent('p1', ['m']);
    const p2 = await parent('p2', ['m']);
    const q = await parent('q', ['c1', 'c2']);
    expect(ofShard('p1').length).toBeGreaterThanOrEqual(2); // the final object and what it superseded
    const child = async (id: string, parents: Lease[]) => {
      const w = worker(store);
      const c = fakeShardSession(id, {}, parents);
      w.sessions.next(c.session);
      c.feed(deviceMinutes(['p1-a', 'p2-b', 'q-a'], 0, 2));
      await until(() => c.commits.length > 0);
      await until(
        () =>
          !parents.some(
            (p) => p.childShardIds.length === 1 && store.objects.has(p.stateRef as string),
          ),
      );
      c.end('shutdownRequested');
      await w.running.stop(100);
      return w;
    };
    const m = await child('m', [p1, p2]);
    expect(m.events.find((e) => e.type === 'session.started')).toMatchObject({
      restoredFrom: 'parents',
      keys: 4,
    });
    expect([...ofShard('p1'), ...ofShard('p2')]).toEqual([]);
    await child('c1', [q]);
    expect(store.objects.has(q.stateRef as string)).toBe(true); // c2 has not restored yet
  });
});
