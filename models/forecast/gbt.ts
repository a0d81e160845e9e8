/**
 * @module models/forecast/gbt
 * Gradient-boosted regression trees with the absolute-error loss (Friedman's LAD_TreeBoost):
 * each tree is grown on the signs of the residuals of a random half of the rows, on features
 * binned into at most 32 quantile bins, and its leaves take the median residual of their
 * rows times the learning rate. Trees are complete binary trees in heap order (node i has
 * children 2i+1 and 2i+2) with real-valued thresholds (`x < threshold` goes left; NaN goes
 * right), so a fitted ensemble is plain JSON. Written here rather than taken from npm: no
 * well-kept pure-JS gradient-boosting library exists (see BENCHMARKS.md). Invariant: fitting
 * is deterministic for a seed, and `predictTrees` of the JSON equals the training-time
 * predictions (leaf values and thresholds are rounded before they are used).
 */
import { ConfigError, prng } from '../../core/index.js';

/** One tree: per node the feature index (−1: leaf), the threshold and the leaf value. */
export interface GbtTree {
  readonly feature: number[];
  readonly threshold: number[];
  readonly value: number[];
}

/** A fitted ensemble: the base value (median target) plus the trees' sum. */
export interface GbtEnsemble {
  readonly base: number;
  readonly trees: GbtTree[];
}

/** Options of {@link fitGbt}. */
export interface GbtOptions {
  /** Number of trees; default 60. */
  readonly trees?: number;
  /** Depth of each tree (leaves = 2^depth); default 3. */
  readonly depth?: number;
  /** Shrinkage of each tree's leaves; default 0.1. */
  readonly learningRate?: number;
  /** Fewest rows in a leaf; default 40. */
  readonly minLeaf?: number;
  /** Share of rows each tree is grown on; default 0.5. */
  readonly subsample?: number;
  /** Seed of the row sampling; default 1. */
  readonly seed?: number;
}

const BINS = 32;
const round6 = (v: number): number => Number(v.toPrecision(6));

function median(values: Float64Array): number {
  if (values.length === 0) return 0;
  const s = Float64Array.from(values).sort();
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Predicts one row with one tree. */
function predictTree(tree: GbtTree, x: ArrayLike<number>): number {
  let i = 0;
  for (;;) {
    const f = tree.feature[i] as number;
    if (f < 0) return tree.value[i] as number;
    i = (x[f] as number) < (tree.threshold[i] as number) ? 2 * i + 1 : 2 * i + 2;
  }
}

/** The ensemble's prediction for one row of features. */
export function predictGbt(model: GbtEnsemble, x: ArrayLike<number>): number {
  let y = model.base;
  for (const tree of model.trees) y += predictTree(tree, x);
  return y;
}

/** Quantile bin edges of one feature column (ascending, distinct). */
function edgesOf(column: Float64Array): number[] {
  const sorted = Float64Array.from(column.filter(Number.isFinite)).sort();
  const edges: number[] = [];
  for (let b = 1; b < BINS; b += 1) {
    const q = round6(sorted[Math.floor((b * sorted.length) / BINS)] ?? NaN);
    if (Number.isFinite(q) && (edges.length === 0 || q > (edges.at(-1) as number))) edges.push(q);
  }
  return edges;
}

/** Bin of `v`: the number of edges ≤ v (NaN: the last bin, as it goes right). */
function binOf(edges: readonly number[], v: number): number {
  if (Number.isNaN(v)) return edges.length;
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (v < (edges[m] as number)) hi = m;
    else lo = m + 1;
  }
  return lo;
}

/**
 * Fits an ensemble to `rows` (one feature vector each) and `targets` by absolute error.
 *
 * @example const model = fitGbt(features, deltas, { trees: 60 }); predictGbt(model, x)
 */
export function fitGbt(
  rows: readonly ArrayLike<number>[],
  targets: ArrayLike<number>,
  options: GbtOptions = {},
): GbtEnsemble {
  const {
    trees = 60,
    depth = 3,
    learningRate = 0.1,
    minLeaf = 40,
    subsample = 0.5,
    seed = 1,
  } = options;
  const n = rows.length;
  if (n === 0 || targets.length !== n)
    throw new ConfigError('rows', 'needs as many targets as rows, at least one');
  if (!(Number.isInteger(depth) && depth >= 1 && depth <= 8))
    throw new ConfigError('depth', 'must be an integer in [1, 8]');
  const width = rows[0]?.length ?? 0;
  // binned features, column-major
  const bins: Uint8Array[] = [];
  const edges: number[][] = [];
  for (let f = 0; f < width; f += 1) {
    const column = Float64Array.from(rows, (r) => r[f] as number);
    const e = edgesOf(column);
    edges.push(e);
    bins.push(Uint8Array.from(column, (v) => binOf(e, v)));
  }
  const y = Float64Array.from(targets);
  const base = round6(median(y));
  const pred = new Float64Array(n).fill(base);
  const random = prng(seed); // the row sampling
  const grad = new Float64Array(n);
  const sums = new Float64Array(BINS);
  const counts = new Uint32Array(BINS);
  const nodes = 2 ** (depth + 1) - 1;
  const out: GbtTree[] = [];
  for (let t = 0; t < trees; t += 1) {
    const sample: number[] = [];
    for (let i = 0; i < n; i += 1) if (random.next() < subsample) sample.push(i);
    for (const i of sample) grad[i] = Math.sign((y[i] as number) - (pred[i] as number));
    const tree: GbtTree = {
      feature: new Array<number>(nodes).fill(-1),
      threshold: new Array<number>(nodes).fill(0),
      value: new Array<number>(nodes).fill(0),
    };
    const grow = (node: number, members: number[], level: number): void => {
      let best = { gain: 1e-12, f: -1, b: -1 };
      if (level < depth && members.length >= 2 * minLeaf) {
        let total = 0;
        for (const i of members) total += grad[i] as number;
        const count = members.length;
        for (let f = 0; f < width; f += 1) {
          const col = bins[f] as Uint8Array;
          sums.fill(0);
          counts.fill(0);
          for (const i of members) {
            const b = col[i] as number;
            sums[b] = (sums[b] as number) + (grad[i] as number);
            counts[b] = (counts[b] as number) + 1;
          }
          let sl = 0;
          let cl = 0;
          const last = (edges[f] as number[]).length;
          for (let b = 0; b < last; b += 1) {
            sl += sums[b] as number;
            cl += counts[b] as number;
            const cr = count - cl;
            if (cl < minLeaf || cr < minLeaf) continue;
            const gain =
              (sl * sl) / cl + ((total - sl) * (total - sl)) / cr - (total * total) / count;
            if (gain > best.gain) best = { gain, f, b };
          }
        }
      }
      if (best.f < 0) {
        const residuals = Float64Array.from(members, (i) => (y[i] as number) - (pred[i] as number));
        tree.value[node] = round6(learningRate * median(residuals));
        return;
      }
      tree.feature[node] = best.f;
      tree.threshold[node] = (edges[best.f] as number[])[best.b] as number;
      const col = bins[best.f] as Uint8Array;
      grow(
        2 * node + 1,
        members.filter((i) => (col[i] as number) <= best.b),
        level + 1,
      );
      grow(
        2 * node + 2,
        members.filter((i) => (col[i] as number) > best.b),
        level + 1,
      );
    };
    grow(0, sample, 0);
    for (let i = 0; i < n; i += 1)
      pred[i] = (pred[i] as number) + predictTree(tree, rows[i] as ArrayLike<number>);
    out.push(tree);
  }
  return { base, trees: out };
}

/** Checks the shape of a restored ensemble (throws ConfigError naming the field). */
export function checkGbt(model: unknown, width: number, field: string): GbtEnsemble {
  const m = model as GbtEnsemble | null;
  const ok =
    !!m &&
    Number.isFinite(m.base) &&
    Array.isArray(m.trees) &&
    m.trees.every(
      (t) =>
        Array.isArray(t.feature) &&
        Array.isArray(t.threshold) &&
        Array.isArray(t.value) &&
        t.feature.length === t.threshold.length &&
        t.feature.length === t.value.length &&
        t.feature.every(
          (f, i) => Number.isInteger(f) && f < width && (f < 0 || 2 * i + 2 < t.feature.length),
        ),
    );
  if (!ok) throw new ConfigError(field, 'is not a boosted-trees ensemble of this model');
  return m as GbtEnsemble;
}
