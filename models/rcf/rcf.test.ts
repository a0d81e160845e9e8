import { ConfigError, seedState, sfc32 } from '../../core/index.js';
import {
  RandomCutForest,
  Thresholder,
  kdaExplanation,
  restoreForest,
  serializeForest,
} from './index.js';
import { readFileSync } from 'node:fs';
import type { SerializedForest, SerializedForestV1 } from './codec.js';
import { PointStore } from './point-store.js';
import { RandomCutTrees } from './tree.js';
import { floatBelow } from './tree-scratch.js';

/** Invariant problems of every tree of a forest (none expected). */
const problems = (f: RandomCutForest): string[] => {
  const trees = f.internals.trees;
  return Array.from({ length: trees.count }, (_, t) => trees.checkInvariants(t)).flat();
};

/** Standard normal draws from a seeded generator (Box–Muller). */
function gaussian(seed: number): () => number {
  const g = sfc32(seedState(seed));
  return () => Math.sqrt(-2 * Math.log(g.nextOpen())) * Math.cos(2 * Math.PI * g.next());
}

describe('RandomCutTrees', () => {
  it.each([1, 0.5, 0])(
    'keeps boxes, masses and cut sides exact through inserts, duplicates and deletes (cache fraction %s)',
    (fraction) => {
      const dims = 3;
      const store = new PointStore(dims, dims, 8);
      const g = sfc32(seedState(7));
      // two trees at their offsets in the same arrays: tree 1 is exercised, tree 0 stays empty
      const words = new Uint32Array([...seedState(1), ...seedState(2)]);
      const trees = new RandomCutTrees(2, 64, store, words, fraction);
      const tree = {
        insert: (ref: number) => trees.insert(1, ref),
        delete: (ref: number) => trees.delete(1, ref),
        checkInvariants: () => [...trees.checkInvariants(1), ...trees.checkInvariants(0)],
        mass: () => trees.mass(1),
      };
      expect(trees.cacheLimit).toBe(Math.floor(fraction * 63));
      const refs: number[] = [];
      const draw = () => [Math.round(g.next() * 5), g.next() * 10, g.next() - 0.5];
      for (let i = 0; i < 400; i += 1) {
        if (refs.length === 64 || (refs.length > 0 && g.next() < 0.35)) {
          const j = Math.floor(g.next() * refs.length);
          const [ref] = refs.splice(j, 1) as [number];
          tree.delete(ref);
          store.release(ref);
        } else {
          // every fifth point duplicates an earlier one to exercise leaf masses
          const src = refs.length > 0 && i % 5 === 0 ? refs[0] : undefined;
          const coords =
            src === undefined
              ? draw()
              : Array.from(store.data.subarray(store.offset(src), store.offset(src) + dims));
          const ref = store.add(coords);
          store.retain(ref);
          tree.insert(ref);
          refs.push(ref);
        }
        expect(tree.checkInvariants()).toEqual([]);
        expect(tree.mass()).toBe(refs.length);
      }
      while (refs.length > 0) {
        const ref = refs.pop() as number;
        tree.delete(ref);
        store.release(ref);
        expect(tree.checkInvariants()).toEqual([]);
      }
      expect(tree.mass()).toBe(0);
      expect(trees.scalars(1).root).toBe(-1);
      expect(trees.scalars(0)).toEqual({ root: -1, freeInternal: 0, freeLeaf: 0, mass: 0 });
      expect(store.refs.subarray(0, store.used).every((r) => r === 0)).toBe(true);
    },
  );
});

describe('PointStore', () => {
  it('stores a shingled stream once: each next shingle appends one input, compaction keeps coordinates', () => {
    const store = new PointStore(4, 1, 4);
    const series = Array.from({ length: 400 }, (_, i) => Math.sin(i / 7) * 5 + i / 100);
    const live = new Map<number, number[]>();
    for (let i = 0; i + 4 <= series.length; i += 1) {
      const point = series.slice(i, i + 4);
      const endBefore = store.end;
      const ref = store.add(point);
      // the shingle moved by one: one new value (the first point, and after compaction, may take 4)
      if (i > 0 && endBefore > 0 && store.offset(ref) > 0)
        expect(store.end - endBefore).toBeLessThanOrEqual(1);
      store.retain(ref);
      live.set(ref, point.map(Math.fround));
      // keep about 20 random earlier points alive, release the others
      if (live.size > 20) {
        const victim = [...live.keys()][(i * 7919) % live.size] as number;
        store.release(victim);
        live.delete(victim);
      }
    }
    for (const [ref, point] of live) {
      const at = store.offset(ref);
      expect(Array.from(store.data.subarray(at, at + 4))).toEqual(point);
    }
    expect(store.livePoints()).toBe(live.size);
    // 397 shingles of 4 were added; without sharing and reuse the values alone would be 1,588
    expect(store.data.length).toBeLessThan(200);
  });

  it('reuses the slot of a freed whole point (no shingling)', () => {
    const store = new PointStore(3, 3, 4);
    const a = store.add([1, 2, 3]);
    store.retain(a);
    const b = store.add([4, 5, 6]);
    store.releaseIfUnused(b);
    const c = store.add([7, 8, 9]);
    expect(c).toBe(b);
    expect(Array.from(store.data.subarray(store.offset(a), store.offset(a) + 3))).toEqual([
      1, 2, 3,
    ]);
    expect(Array.from(store.data.subarray(store.offset(c), store.offset(c) + 3))).toEqual([
      7, 8, 9,
    ]);
  });
});

describe('floatBelow', () => {
  it('sorts every float32 as the double cut does, and is the largest float32 not above it', () => {
    const g = sfc32(seedState(3));
    // every failed check of the 20,000 cuts, in one expect (80,000 expect calls took ~5 s)
    const wrong: string[] = [];
    for (let i = 0; i < 20_000; i += 1) {
      const c = (g.next() - 0.5) * 10 ** Math.floor(g.next() * 8 - 4);
      const f = floatBelow(c);
      if (!Object.is(Math.fround(f), f)) wrong.push(`${c}: ${f} is not a float32`);
      if (!(f <= c)) wrong.push(`${c}: ${f} is above it`);
      // a float32 just above f is above c; f itself and a random float32 decide as c does
      const next = new Float32Array([f]);
      const bits = new Int32Array(next.buffer);
      bits[0] = (bits[0] ?? 0) + (f >= 0 ? 1 : -1);
      if (f !== 0 && !((next[0] as number) > c)) wrong.push(`${c}: ${f} is not the largest`);
      const x = Math.fround(c + (g.next() - 0.5) * Math.abs(c) * 1e-6);
      if (x <= f !== x <= c) wrong.push(`${c}: ${x} decides otherwise against ${f}`);
    }
    expect(wrong).toEqual([]);
    expect(floatBelow(-1e-50)).toBeLessThan(0);
    expect(floatBelow(0.1)).toBeLessThan(0.1);
  });
});

describe('RandomCutForest', () => {
  const cluster = (n: number, seed: number): number[][] => {
    const z = gaussian(seed);
    return Array.from({ length: n }, () => [z(), z()]);
  };

  it('keeps every tree valid and each tree mass equal to its reservoir size', () => {
    const rcf = new RandomCutForest({ dimensions: 2, numberOfTrees: 5, sampleSize: 32, seed: 3 });
    for (const p of cluster(500, 1)) rcf.process(p);
    const { trees, reservoirs } = rcf.internals;
    expect(problems(rcf)).toEqual([]);
    for (let t = 0; t < 5; t += 1) expect(trees.mass(t)).toBe(reservoirs.size(t));
    expect(trees.mass(0)).toBe(32);
  });

  it('scores typical points about 1 and an isolated point far above 1, near log2(sampleSize+1)', () => {
    const rcf = new RandomCutForest({ dimensions: 2, seed: 11 });
    for (const p of cluster(2000, 2)) rcf.process(p);
    const typical = cluster(200, 99).map((p) => rcf.scorePoint(p));
    const mean = typical.reduce((s, v) => s + v, 0) / typical.length;
    expect(mean).toBeGreaterThan(0.6);
    expect(mean).toBeLessThan(1.4);
    const isolated = rcf.scorePoint([40, -40]);
    expect(isolated).toBeGreaterThan(3 * mean);
    expect(isolated).toBeLessThanOrEqual(Math.log2(257) + 1e-9);
    expect(isolated).toBeGreaterThan(0.75 * Math.log2(257));
  });

  it('scores a duplicate of a sampled point lower than a new point beside it', () => {
    const rcf = new RandomCutForest({ dimensions: 2, seed: 5, timeDecay: 0 });
    const points = cluster(100, 4); // fewer than sampleSize: every point is in every tree
    for (const p of points) rcf.process(p);
    const sampled = points[50] as number[];
    const dup = rcf.scorePoint(sampled);
    expect(dup).toBeLessThan(1);
    const beside = rcf.scorePoint([(sampled[0] as number) + 0.05, (sampled[1] as number) - 0.05]);
    expect(dup).toBeLessThan(beside);
  });

  it('reports 0 until outputAfter points and while the shingle fills', () => {
    const rcf = new RandomCutForest({ dimensions: 1, shingleSize: 4, sampleSize: 16, seed: 1 });
    const scores = Array.from({ length: 12 }, (_, i) => rcf.process([Math.sin(i)]));
    // 3 inputs fill the shingle, then outputAfter = 4 points must be added first
    expect(scores.slice(0, 7)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(scores.slice(7).every((s) => s > 0)).toBe(true);
  });

  it('is deterministic given a seed and differs with another seed', () => {
    const run = (seed: number) => {
      const rcf = new RandomCutForest({ dimensions: 2, numberOfTrees: 10, seed });
      return cluster(400, 8).map((p) => rcf.process(p));
    };
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
  });

  it('serializes to JSON and restores to identical scores and identical future updates', () => {
    const a = new RandomCutForest({ dimensions: 2, shingleSize: 2, numberOfTrees: 20, seed: 9 });
    const stream = cluster(1200, 6);
    for (const p of stream.slice(0, 700)) a.process(p);
    const json = JSON.stringify(serializeForest(a));
    const b = restoreForest(JSON.parse(json));
    const rest = stream.slice(700);
    expect(rest.map((p) => b.process(p))).toEqual(rest.map((p) => a.process(p)));
    expect(JSON.stringify(serializeForest(b))).toBe(JSON.stringify(serializeForest(a)));
  });

  it('attributes the score to the anomalous dimension and direction, summing to the score', () => {
    const rcf = new RandomCutForest({ dimensions: 2, seed: 21 });
    for (const p of cluster(1500, 12)) rcf.process(p);
    const point = [0.1, -25];
    const score = rcf.scorePoint(point);
    const attr = rcf.attribution(point);
    const total = [...attr.high, ...attr.low].reduce((s, v) => s + v, 0);
    expect(total).toBeCloseTo(score, 9);
    expect(attr.low[1]).toBeGreaterThan(0.9 * score);
    const kda = kdaExplanation(score, attr, ['x', 'y']);
    expect(kda.ANOMALY_EXPLANATION.y?.DIRECTION).toBe('LOW');
    expect(Number(kda.ANOMALY_EXPLANATION.y?.STRENGTH)).toBeGreaterThan(0.9);
    const sum =
      Number(kda.ANOMALY_EXPLANATION.x?.ATTRIBUTION_SCORE) +
      Number(kda.ANOMALY_EXPLANATION.y?.ATTRIBUTION_SCORE);
    expect(sum).toBeCloseTo(score, 4);
  });

  it('restores a version 1 model (written before #16) and scores as it did', () => {
    const v1 = JSON.parse(
      readFileSync(new URL('./fixtures/forest-v1.json', import.meta.url), 'utf8'),
    ) as {
      inputs: number[][];
      shingle2: { model: SerializedForestV1; next: number[] };
      whole: { model: SerializedForestV1; next: number[] };
    };
    for (const { model, next } of [v1.shingle2, v1.whole]) {
      const forest = restoreForest(model);
      expect(problems(forest)).toEqual([]);
      expect(v1.inputs.map((x) => forest.process(x))).toEqual(next);
    }
  });

  it('restores version 2 snapshots written before the forest-level arrays: same scores, same state', () => {
    const v2 = JSON.parse(
      readFileSync(new URL('./fixtures/forest-v2.json', import.meta.url), 'utf8'),
    ) as Record<
      string,
      { model: SerializedForest; inputs: number[][]; scores: number[]; after: SerializedForest }
    >;
    // generator words as uint32 (the old Sfc32 kept one of them as a signed int32)
    const words = (f: SerializedForest) => f.trees.map((t) => t.prng.map((w) => w >>> 0));
    const rest = (f: SerializedForest) => ({
      ...f,
      trees: f.trees.map((t) => ({ ...t, prng: [] })),
    });
    expect(Object.keys(v2)).toHaveLength(3);
    for (const { model, inputs, scores, after } of Object.values(v2)) {
      const forest = restoreForest(model);
      expect(problems(forest)).toEqual([]);
      expect(inputs.map((x) => forest.process(x))).toEqual(scores);
      const now = serializeForest(forest);
      expect(words(now)).toEqual(words(after));
      expect(rest(now)).toEqual(rest(after));
    }
  });

  it('stores a shingled stream once and caches a fraction of the boxes', () => {
    const make = (boundingBoxCacheFraction: number) =>
      new RandomCutForest({
        dimensions: 1,
        shingleSize: 8,
        numberOfTrees: 10,
        seed: 2,
        boundingBoxCacheFraction,
      });
    const [full, half] = [make(1), make(0.5)];
    for (let i = 0; i < 3000; i += 1) {
      const v = [Math.sin(i / 10)];
      expect(half.process(v)).toBe(full.process(v));
    }
    const store = half.internals.store;
    // live points × 8 values if stored whole; shared shingles need about one value each
    expect(store.end).toBeLessThan(store.livePoints() * 3);
    const boxBytes = (f: RandomCutForest) =>
      f.internals.trees.a.boxLo.byteLength + f.internals.trees.a.boxHi.byteLength;
    expect(boxBytes(half)).toBe(Math.floor(255 * 0.5) * 8 * 4 * 2 * 10);
    expect(boxBytes(full)).toBe(255 * 8 * 4 * 2 * 10);
    expect(problems(half)).toEqual([]);
    expect(() => make(1.5)).toThrow(ConfigError);
  });

  it('stores cut dimensions in one byte up to 256 dimensions, two above, and serializes both alike', () => {
    const g = sfc32(seedState(17));
    for (const dimensions of [256, 257]) {
      const a = new RandomCutForest({ dimensions, numberOfTrees: 3, sampleSize: 8, seed: 1 });
      // only the last dimension varies: every cut is on it (256 does not fit a byte)
      const points = Array.from({ length: 60 }, () =>
        Array.from({ length: dimensions }, (_, k) => (k === dimensions - 1 ? g.next() : 1)),
      );
      points.slice(0, 40).forEach((p) => a.process(p));
      const cutDim = a.internals.trees.a.cutDim;
      expect(cutDim).toBeInstanceOf(dimensions <= 256 ? Uint8Array : Uint16Array);
      expect(Math.max(...cutDim)).toBe(dimensions - 1);
      const model = serializeForest(a);
      const serializedDims = model.trees.flatMap((t) =>
        Array.from(new Uint16Array(new Uint8Array(Buffer.from(t.arrays.cutDim, 'base64')).buffer)),
      );
      expect(serializedDims).toEqual(Array.from(cutDim));
      const b = restoreForest(JSON.parse(JSON.stringify(model)));
      expect(problems(b)).toEqual([]);
      const rest = points.slice(40);
      expect(rest.map((p) => b.process(p))).toEqual(rest.map((p) => a.process(p)));
    }
  });

  it('rejects invalid options and inputs with a non-retriable ConfigError', () => {
    expect(() => new RandomCutForest({ dimensions: 0 })).toThrow(ConfigError);
    expect(() => new RandomCutForest({ dimensions: 1, sampleSize: 1 })).toThrow(ConfigError);
    const rcf = new RandomCutForest({ dimensions: 2 });
    expect(() => rcf.process([1])).toThrow(ConfigError);
    expect(() => rcf.process([1, Number.NaN])).toThrow(ConfigError);
    expect(() => restoreForest({} as never)).toThrow(ConfigError);
    // a tree or reservoir that does not fit the forest's options is rejected, not truncated
    const small = new RandomCutForest({ dimensions: 2, numberOfTrees: 2, sampleSize: 8 });
    for (let i = 0; i < 20; i += 1) small.process([i, -i]);
    const model = serializeForest(small);
    const withTree = (patch: (t: SerializedForest['trees'][number]) => object) => ({
      ...model,
      trees: model.trees.map((t, i) => (i === 1 ? { ...t, ...patch(t) } : t)),
    });
    const short = Buffer.alloc(4 * 6).toString('base64'); // 6 internal nodes, not 7
    expect(() =>
      restoreForest(withTree((t) => ({ arrays: { ...t.arrays, left: short } }))),
    ).toThrow(ConfigError);
    expect(() => restoreForest(withTree((t) => ({ sampler: { ...t.sampler, size: 9 } })))).toThrow(
      ConfigError,
    );
    expect(() => restoreForest(withTree(() => ({ prng: [1, 2, 3] })))).toThrow(ConfigError);
    const cutBeyond = Buffer.from(new Uint16Array(7).fill(2).buffer).toString('base64');
    expect(() =>
      restoreForest(withTree((t) => ({ arrays: { ...t.arrays, cutDim: cutBeyond } }))),
    ).toThrow(ConfigError);
    expect(restoreForest(withTree(() => ({}))).process([1, 1])).toBe(small.process([1, 1]));
  });
});

describe('Thresholder', () => {
  it('grades a planted spike and not the surrounding noise', () => {
    const z = gaussian(31);
    const rcf = new RandomCutForest({ dimensions: 1, seed: 4 });
    const th = new Thresholder();
    const spikeAt = 1500;
    const values: number[] = [];
    const grades: number[] = [];
    for (let i = 0; i < 1600; i += 1) {
      const noise = z();
      values.push(noise);
      grades.push(th.grade(rcf.process([10 + noise + (i === spikeAt ? 12 : 0)])).grade);
    }
    expect(grades[spikeAt]).toBeGreaterThan(0.5);
    const noise = grades
      .map((g, i) => ({ g, v: values[i] as number, i }))
      .filter((x) => x.i !== spikeAt && x.i !== spikeAt + 1);
    // the bulk of the noise (within 2 standard deviations) is never graded …
    expect(noise.filter((x) => Math.abs(x.v) < 2 && x.g > 0)).toEqual([]);
    // … and grades anywhere in the noise stay rare
    expect(noise.filter((x) => x.g > 0).length / noise.length).toBeLessThan(0.005);
    expect(grades.every((g) => g >= 0 && g <= 1)).toBe(true);
  });

  it('does not grade before minScores scores', () => {
    const th = new Thresholder({ minScores: 5 });
    const grades = [1, 1.1, 0.9, 1, 9].map((s) => th.grade(s).grade);
    expect(grades).toEqual([0, 0, 0, 0, 0]);
    for (const s of [1, 1.1, 0.9, 1, 1.05, 0.95]) th.grade(s);
    expect(th.grade(9).grade).toBeGreaterThan(0);
  });
});
