/**
 * Unit tests of keyed-state checkpoints through `runPipeline` on fake shard sessions (no AWS:
 * in-memory sinks and snapshot store): a commit names a snapshot written before it and
 * covers only records whose results are durable; a crash after a commit loses nothing and
 * the next owner continues with the restored state (every prediction identical to an
 * uninterrupted run); children of a split and of a merge restore their parents' final
 * snapshots by hash key range, so predictions continue in the first windows after a reshard.
 */
import { Subject } from 'rxjs';
import type { Lease, SessionCommit, ShardSession } from '../../consumers/index.js';
import { PositionSet, type Traced } from '../../core/index.js';
import { movingAverage } from '../../models/index.js';
import type { Sink, SinkResult } from '../../sinks/index.js';
import { deviceSpec } from '../devices/index.js';
import {
  MemorySnapshotStore,
  decodeSnapshot,
  keyInRange,
  type HashKeyRange,
} from '../state/index.js';
import { deviceMinutes, fakeShardSession, until } from '../testing/fake-shard-session.js';
import { createPipeline, runPipeline, type ResultRow, type ResultSinks } from './index.js';

const MAX = (2n ** 128n - 1n).toString();
const LOWER: HashKeyRange = { startingHashKey: '0', endingHashKey: (2n ** 127n - 1n).toString() };
const UPPER: HashKeyRange = { startingHashKey: (2n ** 127n).toString(), endingHashKey: MAX };
const FULL: HashKeyRange = { startingHashKey: '0', endingHashKey: MAX };

/** A sink remembering every row (by key) and able to fail for a while. */
class RowSink<T> implements Sink<T> {
  readonly rows = new Map<string, T>();
  down = false;
  constructor(private readonly keyOf: (v: T) => string) {}
  async write(items: readonly Traced<T>[]): Promise<SinkResult<T>> {
    if (this.down) throw Object.assign(new Error('down'), { code: 'ServiceUnavailable' });
    for (const i of items) this.rows.set(this.keyOf(i.value), i.value);
    return { durable: PositionSet.empty, written: items.length, failures: [] };
  }
}

function sinks() {
  const predictions = new RowSink<ResultRow>((r) => `${r.key.pk}|${r.key.sk}`);
  const scores = new RowSink<Readonly<Record<string, unknown>>>((s) => String(s.id));
  const rows = () => new RowSink<ResultRow>((r) => JSON.stringify(r.key));
  const all: ResultSinks = {
    scores,
    predictions,
    anomalies: rows(),
    readings: rows(),
    deadLetters: { write: async () => ({ durable: PositionSet.empty, written: 0, failures: [] }) },
  };
  return { all, predictions, scores };
}

const fast = {
  forecaster: movingAverage({ inputLength: 10, span: 5 }),
  forest: { numberOfTrees: 20, sampleSize: 32, outputAfter: 8, seed: 7 },
  thresholder: { minScores: 5, zFactor: 2.5 },
};

/** A SageMaker-like RCF endpoint answering after `ms` (windows stay in flight meanwhile). */
const slowEndpoint = (ms: number) => ({
  invoke: async (request: { body: string }) => {
    await new Promise((r) => setTimeout(r, ms));
    const body = JSON.parse(request.body) as { instances: { features: number[] }[] };
    return { body: JSON.stringify({ scores: body.instances.map(() => ({ score: 1 })) }) };
  },
  maxWaitMs: 1,
});

function worker(store: MemorySnapshotStore, s = sinks(), remote?: ReturnType<typeof slowEndpoint>) {
  const sessions = new Subject<ShardSession>();
  const running = runPipeline({
    consumer: { sessions, shutdown: async () => sessions.complete() },
    pipeline: (ctx) =>
      createPipeline([deviceSpec({ ...fast, ...(remote ? { remote } : {}) })], ctx),
    sinks: s.all,
    store,
    maxWaitMs: 5,
    snapshotIntervalMs: 20,
    sinkBackoff: { initialDelayMs: 5, maxDelayMs: 20 },
  });
  return { sessions, running, sinks: s };
}

const predictionValues = (s: ReturnType<typeof sinks>) =>
  new Map([...s.predictions.rows].map(([k, r]) => [k, r.attributes.value]));

describe('shard runner: snapshot, then commit', () => {
  it('commits only what is durable, naming a snapshot already in the store', async () => {
    const store = new MemorySnapshotStore();
    const w = worker(store);
    w.sinks.scores.down = true;
    const f = fakeShardSession('s');
    w.sessions.next(f.session);
    f.feed(deviceMinutes(['a', 'b'], 0, 20));
    await new Promise((r) => setTimeout(r, 150));
    expect(f.commits).toEqual([]); // results not durable: no commit, however long
    w.sinks.scores.down = false;
    await until(() => f.commits.length > 0);
    const c = f.commits[0] as SessionCommit;
    expect(c.upTo).toBe(39);
    const snap = decodeSnapshot(await store.get(c.state as string));
    expect(Object.keys(snap.states['devices.ring'] ?? {}).sort()).toEqual(['a', 'b']);
    // the open minute-19 windows travel as pending readings, not as unacked records
    expect(Object.keys(snap.states['devices.pending'] ?? {}).sort()).toEqual(['a', 'b']);
    f.end('shardEnded');
    await until(() => f.commits.some((x) => x.final));
    await w.running.stop(100);
  });
});

describe('failover with state', () => {
  it.each([
    ['embedded scoring', undefined],
    ['a slow remote endpoint (a barrier waits for windows in flight)', slowEndpoint(40)],
  ])(
    '%s: a crash after a commit; the next owner restores; every window scored and every prediction as in an uninterrupted run',
    async (_name, remote) => {
      const keys = ['a', 'b', 'c'];
      const all = deviceMinutes(keys, 0, 40);
      // uninterrupted
      const one = worker(new MemorySnapshotStore(), sinks(), remote);
      const u = fakeShardSession('s');
      one.sessions.next(u.session);
      u.feed(all);
      u.end('shardEnded');
      await until(() => u.commits.some((x) => x.final));
      await one.running.stop(100);
      const expected = predictionValues(one.sinks);
      expect(expected.size).toBeGreaterThan(60);
      // first owner: commits after 25 minutes, then crashes with 5 more minutes read
      const store = new MemorySnapshotStore();
      const shared = sinks();
      const first = worker(store, shared, remote);
      const f1 = fakeShardSession('s');
      first.sessions.next(f1.session);
      f1.feed(all.slice(0, 75));
      await until(() => f1.commits.length > 0);
      const committed = f1.commits.at(-1) as SessionCommit;
      expect(committed.upTo).toBe(74);
      f1.feed(all.slice(75, 90));
      f1.end('leaseLost');
      await first.running.stop(100);
      // second owner: restores the committed snapshot, reads after the checkpoint
      const second = worker(store, shared, remote);
      const f2 = fakeShardSession('s', { stateRef: committed.state as string });
      second.sessions.next(f2.session);
      f2.feed(all.slice(75));
      f2.end('shardEnded');
      await until(() => f2.commits.some((x) => x.final));
      await second.running.stop(100);
      expect(predictionValues(shared)).toEqual(expected);
      expect(new Set(shared.scores.rows.keys())).toEqual(new Set(one.sinks.scores.rows.keys()));
    },
  );
});

describe('resharding with state', () => {
  const keys = Array.from({ length: 12 }, (_, i) => `dev-${i}`);
  const lease = (id: string, ref: string): Lease => ({
    leaseKey: id,
    leaseCounter: 9,
    checkpoint: { sequenceNumber: 'SHARD_END', subSequenceNumber: 0 },
    ownerSwitchesSinceCheckpoint: 0,
    parentShardIds: [],
    childShardIds: [],
    stateRef: ref,
  });
  /** Runs `keys` for minutes [0, 20) on a parent and returns its final snapshot reference. */
  const parent = async (store: MemorySnapshotStore, id: string, ks: string[]) => {
    const w = worker(store);
    const p = fakeShardSession(id);
    w.sessions.next(p.session);
    p.feed(deviceMinutes(ks, 0, 20, 0, id));
    p.end('shardEnded');
    await until(() => p.commits.some((x) => x.final));
    await w.running.stop(100);
    return p.commits.find((x) => x.final)?.state as string;
  };
  /** Predictions of a child for minutes [20, 30) of its keys. */
  const child = async (
    store: MemorySnapshotStore,
    id: string,
    range: HashKeyRange,
    parents: Lease[],
  ) => {
    const ks = keys.filter((k) => keyInRange(k, range));
    const w = worker(store);
    const c = fakeShardSession(id, { hashKeyRange: range }, parents);
    w.sessions.next(c.session);
    c.feed(deviceMinutes(ks, 20, 30, 0, id));
    c.end('shardEnded');
    await until(() => c.commits.some((x) => x.final));
    await w.running.stop(100);
    const final = decodeSnapshot(await store.get(c.commits.find((x) => x.final)?.state as string));
    return { ks, predictions: predictionValues(w.sinks), final };
  };

  it('split: each child restores its hash range of the parent and predicts from its first window', async () => {
    const store = new MemorySnapshotStore();
    const ref = await parent(store, 'p', keys);
    for (const range of [LOWER, UPPER]) {
      const c = await child(store, `c-${range.startingHashKey}`, range, [lease('p', ref)]);
      expect(Object.keys(c.final.states['devices.ring'] ?? {}).sort()).toEqual([...c.ks].sort());
      // the parent's open window (19) and held point (18) travelled as pending readings and
      // fired in the child; minutes 18..27 all forecast (28 is held, 29 open at the child's
      // end). A child without the parent's rings would forecast only from minute 29.
      for (const k of c.ks)
        for (let m = 18; m < 28; m++) {
          const target = new Date((m + 5) * 60_000).toISOString();
          expect(c.predictions.has(`${k}|${target}#iaq~5`)).toBe(true);
        }
    }
  });

  it('merge: the child restores both parents (the union of their keys)', async () => {
    const store = new MemorySnapshotStore();
    const low = keys.filter((k) => keyInRange(k, LOWER));
    const high = keys.filter((k) => keyInRange(k, UPPER));
    const refs = [await parent(store, 'p1', low), await parent(store, 'p2', high)];
    const c = await child(store, 'm', FULL, [lease('p1', refs[0]!), lease('p2', refs[1]!)]);
    expect(Object.keys(c.final.states['devices.ring'] ?? {}).sort()).toEqual([...keys].sort());
    for (const k of keys)
      expect(c.predictions.has(`${k}|${new Date(24 * 60_000).toISOString()}#iaq~5`)).toBe(true);
  });
});
