/**
 * @module models/rcf/forest
 * A streaming Random Cut Forest: `numberOfTrees` random cut trees, each over its own
 * time-decayed reservoir sample of the stream, sharing one float32 point store, with
 * optional internal shingling of the input. The score is the mean over trees of AWS's
 * expected-inverse-depth score: typical points score about 1, a point isolated at the
 * root scores up to about log2(sampleSize + 1). Scores are reported as 0 until
 * `outputAfter` points have been added (and, with shingling, until the shingle is full).
 * Invariant: deterministic given `seed` — the same inputs give the same scores, also
 * across serialize/restore (`codec.ts`), because every draw comes from a per-tree seeded
 * generator whose state is part of the model. The trees, their reservoirs and their
 * generators' states live in forest-level typed arrays (`tree.ts`, `sampler.ts`): a forest
 * is a handful of JS objects whatever its number of trees.
 */
import { ConfigError } from '../../core/index.js';
import { PointStore } from './point-store.js';
import { seedState } from '../../core/index.js';
import { REJECTED, Reservoirs } from './sampler.js';
import { RandomCutTrees } from './tree.js';
import { at, f64 } from './typed.js';

/** Options of {@link RandomCutForest}. */
export interface RandomCutForestOptions {
  /** Dimensions of one input point (before shingling). */
  readonly dimensions: number;
  /** Consecutive inputs concatenated into one point (internal shingling); default 1. */
  readonly shingleSize?: number;
  /** Trees in the forest; default 50. */
  readonly numberOfTrees?: number;
  /** Points sampled per tree; default 256. */
  readonly sampleSize?: number;
  /** Points to add before scores are reported (else 0); default sampleSize / 4. */
  readonly outputAfter?: number;
  /** Exponential time decay of the reservoir samples; default 1 / (10 · sampleSize). */
  readonly timeDecay?: number;
  /** Seed of the per-tree generators; default 0. */
  readonly seed?: number;
  /**
   * Share of each tree's internal nodes that keep their bounding box (0 … 1; AWS's
   * `boundingBoxCacheFraction`); the others are computed from their subtree when needed.
   * Less memory, more time; scores are identical for every value. Default 0.5.
   */
  readonly boundingBoxCacheFraction?: number;
}

/** The resolved options of a forest (every default applied). */
export type ResolvedForestOptions = Required<RandomCutForestOptions>;

/** Per-dimension attribution of a score: `high[k] + low[k]` summed over k equals the score. */
export interface DiVector {
  readonly high: number[];
  readonly low: number[];
}

/** Everything a forest holds, for the codec. */
export interface ForestParts {
  readonly options: ResolvedForestOptions;
  readonly store: PointStore;
  readonly trees: RandomCutTrees;
  readonly reservoirs: Reservoirs;
  /** The trees' sfc32 generator states, four words per tree (core/random `sfc32Word`). */
  readonly words: Uint32Array;
  sequence: number;
  shingle: Float64Array;
  shingleCount: number;
}

/** Default share of internal nodes caching their bounding box (see BENCHMARKS.md). */
export const DEFAULT_CACHE_FRACTION = 0.5;

/** Applies defaults and checks invariants of forest options (throws ConfigError). */
export function resolveForestOptions(options: RandomCutForestOptions): ResolvedForestOptions {
  const {
    dimensions,
    shingleSize = 1,
    numberOfTrees = 50,
    sampleSize = 256,
    outputAfter = Math.floor(sampleSize / 4),
    timeDecay = 1 / (10 * sampleSize),
    seed = 0,
    boundingBoxCacheFraction = DEFAULT_CACHE_FRACTION,
  } = options;
  const int = (field: string, v: number, min: number) => {
    if (!Number.isInteger(v) || v < min)
      throw new ConfigError(field, `must be an integer ≥ ${min}`);
  };
  int('dimensions', dimensions, 1);
  int('shingleSize', shingleSize, 1);
  int('numberOfTrees', numberOfTrees, 1);
  int('sampleSize', sampleSize, 2);
  int('outputAfter', outputAfter, 0);
  if (!(timeDecay >= 0) || !Number.isFinite(timeDecay))
    throw new ConfigError('timeDecay', 'must be a finite number ≥ 0');
  if (!Number.isFinite(seed)) throw new ConfigError('seed', 'must be a finite number');
  if (!(boundingBoxCacheFraction >= 0 && boundingBoxCacheFraction <= 1))
    throw new ConfigError('boundingBoxCacheFraction', 'must be a number from 0 to 1');
  if (dimensions * shingleSize > 65_535)
    throw new ConfigError('dimensions', 'dimensions × shingleSize must be at most 65,535');
  return {
    dimensions,
    shingleSize,
    numberOfTrees,
    sampleSize,
    outputAfter,
    timeDecay,
    seed,
    boundingBoxCacheFraction,
  };
}

/**
 * A streaming Random Cut Forest.
 *
 * @example
 * const rcf = new RandomCutForest({ dimensions: 1, shingleSize: 8, seed: 42 });
 * for (const v of series) { const score = rcf.process([v]); }
 */
export class RandomCutForest {
  readonly options: ResolvedForestOptions;
  /** Dimensions of a (shingled) point in the trees. */
  readonly pointDimensions: number;
  private readonly parts: ForestParts;
  private readonly query: Float32Array;
  private readonly point: Float64Array;

  constructor(options: RandomCutForestOptions, parts?: ForestParts) {
    this.options = parts?.options ?? resolveForestOptions(options);
    const o = this.options;
    this.pointDimensions = o.dimensions * o.shingleSize;
    if (parts) {
      this.parts = parts;
    } else {
      // internal shingling: each new point shares all but one input with the last one
      const store = new PointStore(this.pointDimensions, o.dimensions, o.sampleSize * 2);
      const fresh = forestParts(o, store);
      for (let t = 0; t < o.numberOfTrees; t += 1)
        fresh.words.set(seedState((o.seed * 1000003 + t * 7919) | 0), 4 * t);
      this.parts = {
        ...fresh,
        sequence: 0,
        shingle: new Float64Array(this.pointDimensions),
        shingleCount: 0,
      };
    }
    this.query = new Float32Array(this.pointDimensions);
    this.point = new Float64Array(this.pointDimensions);
  }

  /** The model's parts (for the codec and invariant checks). */
  get internals(): ForestParts {
    return this.parts;
  }

  /** Points added so far. */
  get updates(): number {
    return this.parts.sequence;
  }

  /** True once scores are reported (enough points added). */
  get ready(): boolean {
    return this.parts.sequence >= this.options.outputAfter && this.parts.sequence > 0;
  }

  /**
   * Shingles `input` (length `dimensions`), scores the shingled point, then adds it.
   * Returns 0 while the shingle is filling or before `outputAfter` points.
   */
  process(input: ArrayLike<number>): number {
    const point = this.shingleInput(input);
    if (point === undefined) return 0;
    const score = this.scorePoint(point);
    this.updatePoint(point);
    return score;
  }

  /**
   * Like {@link process}, also returning the attribution per point dimension
   * (dimension `k` of shingle position `j` is index `j · dimensions + k`).
   */
  processWithAttribution(input: ArrayLike<number>): { score: number; attribution: DiVector } {
    const point = this.shingleInput(input);
    if (point === undefined) return { score: 0, attribution: this.zeroVector() };
    const attribution = this.attribution(point);
    const score =
      attribution.high.reduce((s, v) => s + v, 0) + attribution.low.reduce((s, v) => s + v, 0);
    this.updatePoint(point);
    return { score, attribution };
  }

  /** Score of a full (already shingled) point without adding it. */
  scorePoint(point: ArrayLike<number>): number {
    if (!this.ready) return 0;
    this.toQuery(point);
    const trees = this.parts.trees;
    let sum = 0;
    for (let t = 0; t < trees.count; t += 1) sum += trees.score(t, this.query);
    return sum / trees.count;
  }

  /** Attribution of the score of a full point (zeros before `outputAfter`). */
  attribution(point: ArrayLike<number>): DiVector {
    if (!this.ready) return this.zeroVector();
    this.toQuery(point);
    const dim = this.pointDimensions;
    const out = new Float64Array(2 * dim);
    const trees = this.parts.trees;
    for (let t = 0; t < trees.count; t += 1) trees.attribution(t, this.query, out);
    const n = trees.count;
    const high: number[] = [];
    const low: number[] = [];
    for (let k = 0; k < dim; k += 1) {
      high.push(f64(out, 2 * k) / n);
      low.push(f64(out, 2 * k + 1) / n);
    }
    return { high, low };
  }

  /** Adds a full (already shingled) point to every tree's reservoir (and tree if sampled). */
  updatePoint(point: ArrayLike<number>): void {
    const parts = this.parts;
    if (point.length !== this.pointDimensions)
      throw new ConfigError(
        'point',
        `expected ${this.pointDimensions} values, got ${point.length}`,
      );
    for (let k = 0; k < point.length; k += 1) {
      if (!Number.isFinite(at(point, k)))
        throw new ConfigError('point', `value ${k} is not a finite number`);
    }
    const sequence = parts.sequence;
    parts.sequence += 1;
    const { store, trees, reservoirs } = parts;
    const ref = store.add(point);
    for (let t = 0; t < trees.count; t += 1) {
      const evicted = reservoirs.offer(t, ref, sequence);
      if (evicted === REJECTED) continue;
      store.retain(ref);
      if (evicted >= 0) {
        trees.delete(t, evicted);
        store.release(evicted);
      }
      trees.insert(t, ref);
    }
    store.releaseIfUnused(ref);
  }

  /** Approximate bytes held by the model's typed arrays. */
  byteSize(): number {
    const { store, trees, reservoirs, words } = this.parts;
    return store.byteSize() + trees.byteSize() + reservoirs.byteSize() + words.byteLength;
  }

  private zeroVector(): DiVector {
    const zeros = new Array<number>(this.pointDimensions).fill(0);
    return { high: zeros, low: [...zeros] };
  }

  private toQuery(point: ArrayLike<number>): void {
    if (point.length !== this.pointDimensions)
      throw new ConfigError(
        'point',
        `expected ${this.pointDimensions} values, got ${point.length}`,
      );
    for (let k = 0; k < this.pointDimensions; k += 1) {
      const v = at(point, k);
      if (!Number.isFinite(v)) throw new ConfigError('point', `value ${k} is not a finite number`);
      this.query[k] = v;
    }
  }

  private shingleInput(input: ArrayLike<number>): Float64Array | undefined {
    const { dimensions, shingleSize } = this.options;
    if (input.length !== dimensions)
      throw new ConfigError('input', `expected ${dimensions} values, got ${input.length}`);
    const parts = this.parts;
    const buf = parts.shingle;
    if (shingleSize > 1) buf.copyWithin(0, dimensions);
    const base = (shingleSize - 1) * dimensions;
    for (let k = 0; k < dimensions; k += 1) {
      const v = at(input, k);
      if (!Number.isFinite(v)) throw new ConfigError('input', `value ${k} is not a finite number`);
      buf[base + k] = v;
    }
    if (parts.shingleCount < shingleSize) parts.shingleCount += 1;
    if (parts.shingleCount < shingleSize) return undefined;
    this.point.set(buf);
    return this.point;
  }
}

/**
 * A forest's trees, reservoirs and generator words over `store`, sized by `o` (empty trees,
 * generator words zero: the forest seeds them, the codec restores them).
 */
export function forestParts(
  o: ResolvedForestOptions,
  store: PointStore,
): Pick<ForestParts, 'store' | 'trees' | 'reservoirs' | 'words' | 'options'> {
  const n = o.numberOfTrees;
  const words = new Uint32Array(4 * n);
  const trees = new RandomCutTrees(n, o.sampleSize, store, words, o.boundingBoxCacheFraction);
  const reservoirs = new Reservoirs(n, o.sampleSize, o.timeDecay, words);
  return { options: o, store, trees, reservoirs, words };
}
