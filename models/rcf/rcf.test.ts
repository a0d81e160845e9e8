import { ConfigError, seedState, sfc32 } from '../../core/index.js';
import {
  RandomCutForest,
  Thresholder,
  kdaExplanation,
  restoreForest,
  serializeForest,
} from './index.js';
import { PointStore } from './point-store.js';
import { RandomCutTree } from './tree.js';

/** Standard normal draws from a seeded generator (Box–Muller). */
function gaussian(seed: number): () => number {
  const g = sfc32(seedState(seed));
  return () => Math.sqrt(-2 * Math.log(g.nextOpen())) * Math.cos(2 * Math.PI * g.next());
}

describe('RandomCutTree', () => {
  it('keeps boxes, masses and cut sides exact through inserts, duplicates and deletes', () => {
    const dims = 3;
    const store = new PointStore(dims, dims, 8);
    const g = sfc32(seedState(7));
    const tree = new RandomCutTree(64, store, g);
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
    expect(tree.root).toBe(-1);
    expect(store.refs.subarray(0, store.used).every((r) => r === 0)).toBe(true);
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
    const { trees, samplers } = rcf.internals;
    trees.forEach((t, i) => {
      expect(t.checkInvariants()).toEqual([]);
      expect(t.mass()).toBe(samplers[i]?.size);
    });
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

  it('rejects invalid options and inputs with a non-retriable ConfigError', () => {
    expect(() => new RandomCutForest({ dimensions: 0 })).toThrow(ConfigError);
    expect(() => new RandomCutForest({ dimensions: 1, sampleSize: 1 })).toThrow(ConfigError);
    const rcf = new RandomCutForest({ dimensions: 2 });
    expect(() => rcf.process([1])).toThrow(ConfigError);
    expect(() => rcf.process([1, Number.NaN])).toThrow(ConfigError);
    expect(() => restoreForest({} as never)).toThrow(ConfigError);
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
