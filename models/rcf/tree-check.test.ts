import { RandomCutForest, restoreForest, serializeForest } from './index.js';
import type { SerializedForest } from './codec.js';
import { PointStore } from './point-store.js';
import { RandomCutTrees } from './tree.js';
import { fromBase64, toBase64 } from './typed.js';
import {
  ints,
  rejects,
  withTreeValues as values,
  type SerializedTree,
} from '../testing/rcf-snapshots.js';

type Tree = SerializedTree;

/** A forest of 2 trees, sample size 8 (internal ids 0…6, leaf ids 7…14), after `n` points. */
function model(n: number): SerializedForest {
  const forest = new RandomCutForest({ dimensions: 2, numberOfTrees: 2, sampleSize: 8, seed: 3 });
  for (let i = 0; i < n; i += 1) forest.process([i, (i * 7) % 5]);
  return JSON.parse(JSON.stringify(serializeForest(forest))) as SerializedForest;
}

/** The model with tree 1 changed by `patch` (its Int32 arrays decoded, re-encoded after). */
function corrupt(
  m: SerializedForest,
  patch: (
    a: { left: Int32Array; right: Int32Array; leafRef: Int32Array; leafMass: Int32Array },
    t: Tree,
  ) => Partial<Tree> | void,
): SerializedForest {
  const t = m.trees[1] as Tree;
  const a = {
    left: ints(t.arrays.left),
    right: ints(t.arrays.right),
    leafRef: ints(t.arrays.leafRef),
    leafMass: ints(t.arrays.leafMass),
  };
  const scalars = patch(a, t) ?? {};
  const arrays = { ...t.arrays };
  for (const k of ['left', 'right', 'leafRef', 'leafMass'] as const) arrays[k] = toBase64(a[k]);
  return { ...m, trees: [m.trees[0] as Tree, { ...t, ...scalars, arrays }] };
}

/** The first leaf (id) reached from the root by left children. */
function firstLeaf(t: Tree, left: Int32Array): number {
  let node = t.root;
  while (node < 7) node = left[node] as number;
  return node;
}

describe('restore checks node ids, free lists and point references of each tree', () => {
  it('restores a valid model unchanged (full and partly filled trees)', () => {
    for (const n of [3, 40]) {
      const m = model(n);
      const restored = restoreForest(m);
      expect(JSON.stringify(serializeForest(restored))).toBe(JSON.stringify(m));
      expect(restoreForest(corrupt(m, () => undefined)).process([1, 2])).toBe(
        restored.process([1, 2]),
      );
    }
  });

  it('rejects a child id out of range', () => {
    const m = model(40);
    rejects(
      corrupt(m, (a, t) => void (a.left[t.root] = 15)),
      /left child of node \d+ 15 outside 0…14/,
    );
    rejects(
      corrupt(m, (a, t) => void (a.right[t.root] = -1)),
      /right child of node \d+ -1 outside/,
    );
  });

  it('rejects a child that is reached twice (it would be two nodes at once)', () => {
    const m = model(40);
    rejects(
      corrupt(m, (a, t) => void (a.right[t.root] = a.left[t.root] as number)),
      /reached twice/,
    );
  });

  it('rejects a root out of range', () => {
    const m = model(40);
    rejects(
      corrupt(m, () => ({ root: 15 })),
      /root 15 outside 0…14/,
    );
    rejects(
      corrupt(m, () => ({ root: -2 })),
      /root -2 outside/,
    );
    rejects(
      corrupt(m, () => ({ root: 1.5 })),
      /root 1.5 outside/,
    );
  });

  it('rejects free-list heads and links out of range', () => {
    const full = model(40);
    expect(full.trees[1]?.freeLeaf).toBe(-1);
    rejects(
      corrupt(full, () => ({ freeInternal: 7 })),
      /free internal node 7 outside 0…6/,
    );
    rejects(
      corrupt(full, () => ({ freeLeaf: 8 })),
      /free leaf 8 outside 0…7/,
    );
    // a node both in the tree and free would be handed out while in use (its left child,
    // followed as a free link, is out of range or comes round again)
    rejects(
      corrupt(full, (_, t) => ({ freeInternal: t.root })),
      /free internal node \d+ (outside|listed twice)|free or reached twice/,
    );
    const partial = model(3);
    const t = partial.trees[1] as Tree;
    expect(t.freeInternal).toBeGreaterThanOrEqual(0);
    expect(t.freeLeaf).toBeGreaterThanOrEqual(0);
    // a leaf id (9) is a valid child but not an internal slot: as a free link it would
    // hand out node 9 of a 7-node tree, i.e. the next tree's nodes
    rejects(
      corrupt(partial, (a) => void (a.left[t.freeInternal] = 9)),
      /free internal node 9 outside 0…6/,
    );
    rejects(
      corrupt(partial, (a) => void (a.leafRef[t.freeLeaf] = 8)),
      /free leaf 8 outside 0…7/,
    );
    // a free list that loops back on itself
    rejects(
      corrupt(partial, (a) => void (a.leafRef[t.freeLeaf] = t.freeLeaf)),
      /listed twice/,
    );
  });

  it('rejects a leaf point reference outside the point store', () => {
    const m = model(40);
    rejects(
      corrupt(m, (a, t) => void (a.leafRef[firstLeaf(t, a.left) - 7] = 1_000_000)),
      /holds point 1000000, outside/,
    );
    rejects(
      corrupt(m, (a, t) => void (a.leafRef[firstLeaf(t, a.left) - 7] = -1)),
      /holds point -1, outside/,
    );
  });

  it('rejects masses that do not add up and nodes neither in the tree nor free', () => {
    const m = model(40);
    rejects(
      corrupt(m, (a, t) => void (a.leafMass[firstLeaf(t, a.left) - 7] = 0)),
      /has mass 0/,
    );
    rejects(
      corrupt(m, (_, t) => ({ mass: t.mass + 1 })),
      /mass \d+, but its leaves hold/,
    );
    rejects(
      corrupt(m, () => ({ root: -1 })),
      /15 nodes neither in the tree nor free/,
    );
  });

  it('rejects a sampler whose references or size do not fit the store and the tree', () => {
    const m = model(40);
    const t = m.trees[1] as Tree;
    const refs = ints(t.sampler.refs);
    refs[0] = 1_000_000;
    const withSampler = (sampler: Partial<Tree['sampler']>) => ({
      ...m,
      trees: [m.trees[0] as Tree, { ...t, sampler: { ...t.sampler, ...sampler } }],
    });
    rejects(withSampler({ refs: toBase64(refs) }), /serialized sampler 1 does not fit/);
    rejects(withSampler({ size: t.sampler.size - 1 }), /serialized sampler 1 does not fit/);
    rejects(withSampler({ size: t.sampler.size - 0.5 }), /serialized sampler 1 does not fit/);
  });

  it('leaves the neighbouring trees untouched when it rejects one (nothing changed)', () => {
    const store = new PointStore(1, 1, 8);
    for (let i = 0; i < 4; i += 1) store.retain(store.add([i]));
    const trees = new RandomCutTrees(3, 4, store, new Uint32Array(12).fill(1));
    for (const t of [0, 1, 2]) for (let i = 0; i < 4; i += 1) trees.insert(t, i);
    const before = Int32Array.from(trees.a.left);
    const arrays = trees.arraysOf(1);
    const copy = { ...arrays, left: Int32Array.from(arrays.left) };
    copy.left.fill(6); // 6 = the last leaf of a 4-leaf tree; the left children are now wrong
    expect(trees.load(1, copy, trees.scalars(1))).toMatch(/reached twice|outside/);
    expect(Array.from(trees.a.left)).toEqual(Array.from(before));
    expect(trees.load(1, arrays, trees.scalars(1))).toBeUndefined();
    for (const t of [0, 1, 2]) expect(trees.checkInvariants(t)).toEqual([]);
  });
});

describe('restore checks the cut values and cached boxes of each tree', () => {
  // every box cached (fraction 1): internal ids 0…6 all have one, 2 values each
  const cached = (n: number): SerializedForest => {
    const forest = new RandomCutForest({
      dimensions: 2,
      numberOfTrees: 2,
      sampleSize: 8,
      seed: 3,
      boundingBoxCacheFraction: 1,
    });
    for (let i = 0; i < n; i += 1) forest.process([i, (i * 7) % 5]);
    return JSON.parse(JSON.stringify(serializeForest(forest))) as SerializedForest;
  };
  const cutDims = (t: Tree): Uint16Array => fromBase64(t.arrays.cutDim, Uint16Array) as Uint16Array;

  it('restores valid models: every cut lies in its cached box (lo ≤ cut < hi)', () => {
    for (const n of [3, 40, 400]) expect(() => restoreForest(cached(n))).not.toThrow();
  });

  it('rejects a cut value that is not finite', () => {
    const m = cached(40);
    for (const bad of [NaN, Infinity, -Infinity])
      rejects(
        values(m, (v, t) => void (v.cutVal[t.root] = bad)),
        new RegExp(`serialized tree 1 .*node \\d+: cutVal ${bad} is not a finite number`),
      );
  });

  it('rejects a cached box bound that is not finite', () => {
    const m = cached(40);
    rejects(
      values(m, (v, t) => void (v.boxLo[2 * t.root + 1] = NaN)),
      /node \d+: boxLo\[1\] NaN is not a finite number/,
    );
    rejects(
      values(m, (v, t) => void (v.boxHi[2 * t.root] = Infinity)),
      /node \d+: boxHi\[0\] Infinity is not a finite number/,
    );
  });

  it('rejects a cached box whose lo is above its hi', () => {
    const m = cached(40);
    rejects(
      values(m, (v, t) => {
        const k = 2 * t.root + 1;
        v.boxLo[k] = (v.boxHi[k] as number) + 1;
      }),
      /node \d+: boxLo\[1\] [\d.]+ above boxHi\[1\] [\d.]+/,
    );
  });

  it('rejects a cut outside its box on its dimension (at hi, or below lo)', () => {
    const m = cached(40);
    const t = m.trees[1] as Tree;
    const d = cutDims(t)[t.root] as number;
    rejects(
      values(m, (v) => void (v.cutVal[t.root] = v.boxHi[2 * t.root + d] as number)),
      new RegExp(`node ${t.root}: cutVal [\\d.]+ outside its box \\[.*\\) on dimension ${d}`),
    );
    rejects(
      values(m, (v) => void (v.cutVal[t.root] = (v.boxLo[2 * t.root + d] as number) - 1)),
      /cutVal -?[\d.]+ outside its box/,
    );
  });

  it('does not check free nodes: their values are stale and overwritten on reuse', () => {
    const m = cached(3);
    const t = m.trees[1] as Tree;
    expect(t.freeInternal).toBeGreaterThanOrEqual(0);
    const f = t.freeInternal;
    const restored = restoreForest(
      values(m, (v) => {
        v.cutVal[f] = NaN;
        v.boxLo[2 * f] = NaN;
      }),
    );
    for (let i = 0; i < 40; i += 1) restored.process([i, (i * 7) % 5]);
    const reference = restoreForest(m);
    for (let i = 0; i < 40; i += 1) reference.process([i, (i * 7) % 5]);
    expect(restored.process([3, 3])).toBe(reference.process([3, 3]));
  });
});
