import { gzipSync } from 'node:zlib';
import { prng } from '../../core/index.js';
import {
  IncrementalSnapshots,
  KeyedStateBackend,
  MemorySnapshotStore,
  decodeSnapshot,
  readSnapshotChain,
  type Capture,
  type ValueCodec,
} from './index.js';

interface Ring {
  time: number;
  values: number[];
}
/** Counts encodes, and gives rings an event time (for the TTL). */
function ringCodec(counter = { encodes: 0 }): ValueCodec<Ring> {
  return {
    encode: (r) => {
      counter.encodes += 1;
      return { time: r.time, values: [...r.values] };
    },
    decode: (j) => {
      const { time, values } = j as Ring;
      return { time, values: [...values] };
    },
    time: (r) => r.time,
  };
}

const SHARD = 'shardId-000000000001';

/** Writes a capture as the runner does (gzip of its JSON, a fresh object) and records it. */
async function write(store: MemorySnapshotStore, snaps: IncrementalSnapshots, c: Capture) {
  const bytes = gzipSync(c.json());
  const ref = await store.put(SHARD, bytes);
  snaps.written(c, ref, bytes.byteLength);
  return ref;
}

const read = (store: MemorySnapshotStore, ref: string) =>
  readSnapshotChain((r) => store.get(r), ref);

describe('incremental snapshots', () => {
  it('a delta holds only the keys changed since the previous barrier, and encodes only those', async () => {
    const counter = { encodes: 0 };
    const backend = new KeyedStateBackend();
    const rings = backend.register('ring', ringCodec(counter));
    for (let k = 0; k < 100; k++) rings.set(`k${k}`, { time: 1_000, values: [k] });
    const snaps = new IncrementalSnapshots(backend, { shardId: SHARD, ttlMs: Infinity });
    const store = new MemorySnapshotStore();
    const base = snaps.capture();
    expect(base.kind).toBe('full');
    const baseRef = await write(store, snaps, base);
    counter.encodes = 0;
    rings.get('k1')?.values.push(2); // mutated in place after a get
    rings.set('k2', { time: 2_000, values: [9] });
    rings.delete('k3');
    const delta = snaps.capture();
    expect(delta.kind).toBe('delta');
    expect(counter.encodes).toBe(0); // encoded after the barrier
    const deltaRef = await write(store, snaps, delta);
    expect(counter.encodes).toBe(2);
    expect([delta.values, delta.deleted]).toEqual([2, 1]);
    const doc = decodeSnapshot(await store.get(deltaRef));
    expect(doc.chain).toEqual([baseRef]);
    expect(Object.keys(doc.states.ring ?? {}).sort()).toEqual(['k1', 'k2']);
    expect(doc.deleted).toEqual({ ring: ['k3'] });
    expect((await read(store, deltaRef)).states).toEqual(backend.snapshot());
  });

  it('any sequence of changes: the chain read back equals the state at every barrier; restore reads at most 1 + maxDeltas objects', async () => {
    const rng = prng(7);
    const backend = new KeyedStateBackend();
    const rings = backend.register('ring', ringCodec());
    const counts = backend.register<number>('count');
    const maxDeltas = 4;
    const snaps = new IncrementalSnapshots(backend, {
      shardId: SHARD,
      maxDeltas,
      compactRatio: 100, // compaction by count only
      ttlMs: Infinity,
    });
    const store = new MemorySnapshotStore();
    const kinds: string[] = [];
    for (let barrier = 0; barrier < 23; barrier++) {
      for (let op = 0; op < 30; op++) {
        const key = `k${rng.int(0, 40)}`;
        const draw = rng.next();
        if (draw < 0.4) rings.set(key, { time: barrier, values: [op] });
        else if (draw < 0.6) rings.get(key)?.values.push(op);
        else if (draw < 0.7) rings.delete(key);
        else if (draw < 0.9) counts.set(key, (counts.get(key) ?? 0) + 1);
        else counts.delete(key);
      }
      const c = snaps.capture();
      kinds.push(c.kind);
      const ref = await write(store, snaps, c);
      const got = await read(store, ref);
      expect(got.states).toEqual(backend.snapshot());
      expect(got.refs.length).toBeLessThanOrEqual(1 + maxDeltas);
    }
    expect(kinds.join(' ')).toBe(
      'full delta delta delta delta full delta delta delta delta full delta delta delta delta full delta delta delta delta full delta delta',
    );
  });

  it('compacts once the deltas add up to the base size', async () => {
    const backend = new KeyedStateBackend();
    const rings = backend.register('ring', ringCodec());
    for (let k = 0; k < 40; k++) rings.set(`k${k}`, { time: 0, values: [k, k, k] });
    const snaps = new IncrementalSnapshots(backend, { shardId: SHARD, ttlMs: Infinity });
    const store = new MemorySnapshotStore();
    await write(store, snaps, snaps.capture());
    const kinds: string[] = [];
    for (let b = 0; b < 12; b++) {
      for (let k = 0; k < 10; k++) rings.set(`k${(b * 10 + k) % 40}`, { time: b, values: [b] });
      const c = snaps.capture();
      kinds.push(c.kind);
      await write(store, snaps, c);
    }
    // each delta is about a quarter of the base: a full object every few barriers
    expect(kinds.filter((k) => k === 'full').length).toBeGreaterThanOrEqual(2);
    expect(kinds.slice(0, 2)).toEqual(['delta', 'delta']);
  });

  it('a committed full object releases the objects it superseded; the live chain stays readable without them', async () => {
    const backend = new KeyedStateBackend();
    const counts = backend.register<number>('count');
    const snaps = new IncrementalSnapshots(backend, {
      shardId: SHARD,
      maxDeltas: 2,
      compactRatio: 100,
    });
    const store = new MemorySnapshotStore();
    const refs: string[] = [];
    const released: string[] = [];
    for (let b = 0; b < 5; b++) {
      counts.set(`k${b}`, b);
      const ref = await write(store, snaps, snaps.capture());
      refs.push(ref);
      released.push(...snaps.committed(ref)); // the lease names it
    }
    // full, delta, delta, full, delta: the second full releases the first chain
    expect(released).toEqual(refs.slice(0, 3));
    for (const r of released) await store.delete(r);
    expect((await read(store, refs[4] as string)).states).toEqual(backend.snapshot());
  });

  it('expires keys whose newest event time is older than the TTL (other keys and untimed states kept)', async () => {
    const backend = new KeyedStateBackend();
    const rings = backend.register('ring', ringCodec());
    const pending = backend.register<number[]>('pending');
    const day = 86_400_000;
    rings.set('quiet', { time: 0, values: [1] });
    pending.set('quiet', [1]);
    rings.set('busy', { time: 0, values: [1] });
    pending.set('untimed', [3]);
    const snaps = new IncrementalSnapshots(backend, { shardId: SHARD, ttlMs: 7 * day });
    const store = new MemorySnapshotStore();
    await write(store, snaps, snaps.capture());
    rings.set('busy', { time: 7 * day, values: [2] });
    expect(snaps.capture().expired).toBe(0); // exactly the TTL: kept
    rings.set('busy', { time: 7 * day + 1, values: [3] });
    const c = snaps.capture();
    expect(c.expired).toBe(1);
    const ref = await write(store, snaps, c);
    const doc = decodeSnapshot(await store.get(ref));
    expect(doc.deleted).toEqual({ ring: ['quiet'], pending: ['quiet'] });
    const { states } = await read(store, ref);
    expect(Object.keys(states.ring ?? {})).toEqual(['busy']);
    expect(Object.keys(states.pending ?? {})).toEqual(['untimed']);
  });

  it('a new owner continues the chain it restored: encodes only what changed since, and the result reads back exactly', async () => {
    const backend = new KeyedStateBackend();
    const rings = backend.register('ring', ringCodec());
    backend.register<number>('households.other').set('h', 1); // carried through by the next owner
    for (let k = 0; k < 20; k++) rings.set(`k${k}`, { time: k, values: [k] });
    const first = new IncrementalSnapshots(backend, { shardId: SHARD, ttlMs: Infinity });
    const store = new MemorySnapshotStore();
    await write(store, first, first.capture());
    rings.set('k0', { time: 50, values: [0, 1] });
    const named = await write(store, first, first.capture());
    // the next owner
    const chain = await read(store, named);
    const counter = { encodes: 0 };
    const next = new KeyedStateBackend();
    const snaps = new IncrementalSnapshots(next, { shardId: SHARD, ttlMs: Infinity });
    expect(snaps.restore(chain.states)).toBe(21);
    snaps.adopt(chain.refs, chain.bytes);
    const nextRings = next.register('ring', ringCodec(counter));
    nextRings.set('k5', { time: 60, values: [5, 6] });
    const c = snaps.capture();
    const ref = await write(store, snaps, c);
    expect([c.kind, c.values, counter.encodes]).toEqual(['delta', 1, 1]);
    const got = await read(store, ref);
    expect(got.refs.slice(0, 2)).toEqual(chain.refs);
    expect(got.states).toEqual(next.snapshot());
    expect(got.states['households.other']).toEqual({ h: 1 });
    // a forced full object (e.g. at the shard's end) needs no encoding of unchanged keys
    counter.encodes = 0;
    const full = snaps.capture(true);
    const text = full.json();
    expect([full.kind, full.values, counter.encodes]).toEqual(['full', 21, 0]);
    expect(JSON.parse(text).states).toEqual(next.snapshot());
  });

  it('copy-on-write: values written after the barrier but before they were encoded reach the next object, not this one', async () => {
    const backend = new KeyedStateBackend();
    const rings = backend.register('ring', ringCodec());
    for (let k = 0; k < 10; k++) rings.set(`k${k}`, { time: 0, values: [k] });
    const snaps = new IncrementalSnapshots(backend, { shardId: SHARD, ttlMs: Infinity });
    const store = new MemorySnapshotStore();
    await write(store, snaps, snaps.capture());
    for (let k = 0; k < 10; k++) rings.get(`k${k}`)?.values.push(100 + k);
    const atBarrier = backend.snapshot();
    const c = snaps.capture();
    expect(c.encodeSome(3)).toBe(false); // 3 of 10 encoded, feeding resumes
    rings.get('k9')?.values.push(999); // in place, after a get
    rings.set('k8', { time: 5, values: [8] });
    rings.delete('k7');
    rings.set('new', { time: 5, values: [1] });
    const ref = await write(store, snaps, c);
    expect((await read(store, ref)).states).toEqual(atBarrier);
    const next = await write(store, snaps, snaps.capture());
    expect((await read(store, next)).states).toEqual(backend.snapshot());
    expect(backend.snapshot()).not.toEqual(atBarrier);
  });

  it('a chain that does not start with a full object, or mixes shards, is unreadable', async () => {
    const store = new MemorySnapshotStore();
    const doc = (shardId: string, kind: string, chain: string[]) =>
      gzipSync(
        JSON.stringify({
          format: 'shardflow-keyed-state',
          version: 2,
          shardId,
          kind,
          chain,
          states: {},
          deleted: {},
        }),
      );
    const other = await store.put('x', doc('other', 'full', []));
    const delta = await store.put('x', doc(SHARD, 'delta', [other]));
    await expect(read(store, delta)).rejects.toThrow(/mixes shards/);
    const d1 = await store.put('x', doc(SHARD, 'delta', [delta]));
    const d2 = await store.put('x', doc(SHARD, 'delta', [d1]));
    await expect(read(store, d2)).rejects.toThrow(/object 0 is a delta/);
  });
});
