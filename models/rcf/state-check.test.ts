import { readFileSync } from 'node:fs';
import { RandomCutForest, restoreForest, serializeForest } from './index.js';
import type { RandomCutForestOptions } from './forest.js';
import type { SerializedForest, SerializedForestV1 } from './codec.js';
import type { SerializedStore } from './serialized.js';
import { fromBase64, toBase64 } from './typed.js';
import { floats, ints, rejects } from '../testing/rcf-snapshots.js';

type Tree = SerializedForest['trees'][number];
type Store = { -readonly [K in keyof SerializedStore]: SerializedStore[K] };

/** A 2-tree forest of sample size 8 after `n` points (shingled when `shingleSize` > 1). */
function model(n: number, options: Partial<RandomCutForestOptions> = {}): SerializedForest {
  const forest = new RandomCutForest({
    dimensions: 2,
    numberOfTrees: 2,
    sampleSize: 8,
    seed: 3,
    ...options,
  });
  for (let i = 0; i < n; i += 1) forest.process([i % 11, (i * 7) % 5]);
  return JSON.parse(JSON.stringify(serializeForest(forest))) as SerializedForest;
}

/** The model with its store changed by `patch` (arrays decoded, re-encoded after). */
function store(
  m: SerializedForest,
  patch: (a: { data: Float32Array; loc: Int32Array; refs: Int32Array }, s: Store) => void,
): SerializedForest {
  const s: Store = { ...m.store };
  const a = { data: floats(s.data), loc: ints(s.loc), refs: ints(s.refs) };
  patch(a, s);
  return {
    ...m,
    store: { ...s, data: toBase64(a.data), loc: toBase64(a.loc), refs: toBase64(a.refs) },
  };
}

/** The free point indices of the store, from its head. */
function freeList(m: SerializedForest): number[] {
  const loc = ints(m.store.loc);
  const out: number[] = [];
  for (let x = m.store.freeHead; x !== -1; x = -2 - (loc[x] as number)) out.push(x);
  return out;
}

/** The first live (not free) point index. */
const firstLive = (m: SerializedForest): number => {
  const free = new Set(freeList(m));
  let i = 0;
  while (free.has(i)) i += 1;
  return i;
};

describe('restore checks the point store', () => {
  const whole = model(60);
  const shingled = model(60, { shingleSize: 3 });

  it('restores valid whole-point and shingled stores (with free points) unchanged', () => {
    for (const m of [whole, shingled, model(2), model(2, { shingleSize: 3 })]) {
      expect(JSON.stringify(serializeForest(restoreForest(m)))).toBe(JSON.stringify(m));
    }
    expect(freeList(whole).length).toBeGreaterThan(0);
    expect(freeList(shingled).length).toBeGreaterThan(0);
  });

  it('rejects sizes that are not counts', () => {
    rejects(
      store(whole, (_, s) => void (s.used = 1.5)),
      /serialized store does not fit: store.used 1.5 is not a count/,
    );
    rejects(
      store(whole, (_, s) => void (s.end = -1)),
      /store.end -1 is not a count/,
    );
    rejects(
      store(whole, (_, s) => void (s.freeHead = -2)),
      /store.freeHead -2 is not a count or −1/,
    );
    rejects(
      store(shingled, (_, s) => void (s.lastLoc = 0.5)),
      /store.lastLoc 0.5 is not a count or −1/,
    );
  });

  it('rejects capacities beyond what the forest can reach (before allocating them)', () => {
    rejects(
      store(whole, (_, s) => void (s.indexCapacity = 1e9)),
      /store.indexCapacity 1000000000 above 34/,
    );
    rejects(
      store(shingled, (_, s) => void (s.dataCapacity = 2 ** 31 - 1)),
      /store.dataCapacity 2147483647 above/,
    );
    rejects(
      store(whole, (_, s) => void (s.dataCapacity = s.indexCapacity * 2 - 1)),
      /store.dataCapacity \d+ below indexCapacity × 2/,
    );
  });

  it('rejects sizes that do not fit their capacities or the arrays', () => {
    rejects(
      store(whole, (_, s) => void (s.used = s.indexCapacity + 1)),
      /store.used \d+ above store.indexCapacity/,
    );
    rejects(
      store(shingled, (_, s) => void (s.end = s.dataCapacity + 1)),
      /store.end \d+ above store.dataCapacity/,
    );
    rejects(
      store(shingled, (a) => void (a.data = a.data.subarray(1))),
      /store.data has \d+ values, not from store.end/,
    );
    const short = store(whole, (a) => void (a.loc = a.loc.subarray(1)));
    rejects(short, /store.loc has \d+ values, not store.used/);
    rejects(
      store(shingled, (_, s) => void (s.lastLoc = s.end - 2)),
      /store.lastLoc \d+ above store.end − 6/,
    );
  });

  it('rejects values that are not finite', () => {
    rejects(
      store(whole, (a) => void (a.data[5] = NaN)),
      /store.data\[5\] NaN is not a finite number/,
    );
    rejects(
      store(shingled, (a) => void (a.data[0] = -Infinity)),
      /store.data\[0\] -Infinity is not a finite number/,
    );
  });

  it('rejects a free list that loops, leaves the points, or frees a referenced point', () => {
    const [head, second] = freeList(whole);
    expect(head).toBeDefined();
    rejects(
      store(whole, (a) => void (a.loc[head as number] = -2 - (head as number))),
      /point \d+ listed twice on the free list/,
    );
    rejects(
      store(whole, (a, s) => void (a.loc[head as number] = -2 - s.used)),
      /store.loc\[\d+\] -?\d+ links a free point to \d+, outside/,
    );
    rejects(
      store(whole, (_, s) => void (s.freeHead = s.used)),
      /store.freeHead \d+ outside 0…\d+/,
    );
    rejects(
      store(whole, (a) => void (a.refs[(second ?? head) as number] = 1)),
      /store.refs\[\d+\] 1 for a free point \(not 0\)/,
    );
  });

  it('rejects a live point with no reference or outside the values', () => {
    const i = firstLive(whole);
    rejects(
      store(whole, (a) => void (a.refs[i] = 0)),
      new RegExp(`store.refs\\[${i}\\] 0 for a point not on the free list`),
    );
    rejects(
      store(whole, (a) => void (a.refs[i] = -1)),
      new RegExp(`store.refs\\[${i}\\] -1 for a point not on the free list`),
    );
    rejects(
      store(whole, (a) => void (a.loc[i] = 2 * i + 1)),
      new RegExp(`store.loc\\[${i}\\] ${2 * i + 1}, not the point's slot ${2 * i}`),
    );
    const j = firstLive(shingled);
    rejects(
      store(shingled, (a, s) => void (a.loc[j] = s.end - 2)),
      new RegExp(`store.loc\\[${j}\\] \\d+ outside 0…store.end − 6`),
    );
  });

  it('rejects reference counts that differ from the leaves and reservoir entries holding the point', () => {
    const i = firstLive(whole);
    rejects(
      store(whole, (a) => void (a.refs[i] = (a.refs[i] as number) + 1)),
      new RegExp(
        `store.refs\\[${i}\\] \\d+, but \\d+ leaves and reservoir entries hold point ${i}`,
      ),
    );
    // a leaf holding a free point: the point would be handed out again while in the tree
    const t = whole.trees[1] as Tree;
    const leafRef = ints(t.arrays.leafRef);
    const free = freeList(whole)[0] as number;
    const left = ints(t.arrays.left);
    let node = t.root;
    while (node < 7) node = left[node] as number; // the first leaf from the root
    leafRef[node - 7] = free;
    const m = {
      ...whole,
      trees: [
        whole.trees[0] as Tree,
        { ...t, arrays: { ...t.arrays, leafRef: toBase64(leafRef) } },
      ],
    };
    rejects(m, new RegExp(`serialized tree 1 .*leaf \\d+ holds point ${free}, which is free`));
  });
});

describe('restore checks the reservoirs and the forest scalars', () => {
  const m = model(60);
  const t = m.trees[1] as Tree;
  const withKeys = (patch: (k: Float64Array) => void): SerializedForest => {
    const keys = fromBase64(t.sampler.keys, Float64Array) as Float64Array;
    patch(keys);
    const sampler = { ...t.sampler, keys: toBase64(keys) };
    return { ...m, trees: [m.trees[0] as Tree, { ...t, sampler }] };
  };

  it('rejects a reservoir key that is not finite', () => {
    rejects(
      withKeys((k) => void (k[3] = NaN)),
      /serialized sampler 1 does not fit the forest options: keys\[3\] NaN is not a finite number/,
    );
  });

  it('rejects reservoir keys out of heap order (the largest key must be first)', () => {
    rejects(
      withKeys((k) => void (k[0] = (k[1] as number) - 1)),
      /keys\[1\] -?[\d.e+-]+ above its parent keys\[0\] .* \(not a max-heap\)/,
    );
  });

  it('rejects a sequence, shingle or shingle count that does not fit', () => {
    rejects({ ...m, sequence: -1 }, /serialized forest: sequence -1 is not a count/);
    rejects({ ...m, shingle: [1] }, /shingle is not an array of 2 numbers/);
    // JSON has no NaN: a NaN written to JSON comes back as null
    rejects({ ...m, shingle: [1, null] }, /shingle\[1\] null is not a finite number/);
    rejects({ ...m, shingleCount: 2 }, /shingleCount 2 is not a count up to shingleSize 1/);
  });

  it('rejects a model missing its options, store or a tree part (not a TypeError)', () => {
    rejects({ ...m, options: undefined }, /serialized forest has no options/);
    rejects({ ...m, store: null }, /store is missing/);
    rejects({ ...m, trees: [m.trees[0], null] }, /serialized tree 1 is not an object/);
    rejects(
      { ...m, trees: [m.trees[0], { ...t, sampler: undefined }] },
      /serialized tree 1 is not/,
    );
  });

  it('rejects generator words that are not 32-bit integers', () => {
    const prng = [1, 2, 3.5, 4];
    rejects(
      { ...m, trees: [m.trees[0] as Tree, { ...t, prng }] },
      /corrupt generator state in serialized tree 1/,
    );
  });
});

describe('restore of a version 1 model checks its free stacks', () => {
  const { whole } = JSON.parse(
    readFileSync(new URL('./fixtures/forest-v1.json', import.meta.url), 'utf8'),
  ) as { whole: { model: SerializedForestV1 } };
  const v1 = whole.model;

  it('rejects a repeated or out-of-range free entry (its chain would loop forever)', () => {
    expect(() => restoreForest(v1)).not.toThrow();
    const free = ints(v1.store.free);
    expect(v1.store.freeCount).toBeGreaterThanOrEqual(2);
    free[1] = free[0] as number;
    rejects(
      { ...v1, store: { ...v1.store, free: toBase64(free) } },
      /store.free\[1\] \d+ .*repeated/,
    );
    rejects({ ...v1, store: { ...v1.store, freeCount: 1e6 } }, /store.free count 1000000 outside/);
    const t = v1.trees[0] as SerializedForestV1['trees'][number];
    const leaves = Int32Array.of(3, 3);
    const tree = { ...t, freeLeafCount: 2, arrays: { ...t.arrays, freeLeaf: toBase64(leaves) } };
    rejects({ ...v1, trees: [tree, ...v1.trees.slice(1)] }, /freeLeaf\[1\] 3 .*repeated/);
  });

  it('rejects missing parts with a ConfigError, not a TypeError from inside the conversion', () => {
    const { store: _store, ...noStore } = v1;
    rejects(noStore, /malformed version 1 model/);
    const t = v1.trees[0] as SerializedForestV1['trees'][number];
    const { arrays: _arrays, ...bare } = t;
    rejects({ ...v1, trees: [bare, ...v1.trees.slice(1)] }, /malformed version 1 model/);
    rejects({ ...v1, trees: null }, /malformed version 1 model/);
  });
});
