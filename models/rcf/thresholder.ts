/**
 * @module models/rcf/thresholder
 * Calibrated grading of anomaly scores, per key: holds a target false-alarm rate instead
 * of a fixed number of deviations. It keeps a time-decayed histogram of the key's scores
 * (`score-histogram.ts`: log scale, memory `horizon` scores) and models the tail beyond
 * its `1 − tailFraction` quantile `u` as exponential (peaks over threshold, as in SPOT,
 * Siffer et al. KDD 2017): P(score > s) = tailFraction · exp(−(s − u)/β), β fitted from
 * two quantiles of the tail, β = (q(1 − tailFraction/5) − u)/ln 5 (robust to the extreme
 * scores of anomalies, which a mean excess would let dominate), shrunk towards a prior
 * while few scores are known. A run STARTS when a score is rarer than `targetRate` and
 * CONTINUES while scores stay rarer than `continueRate` (hysteresis: one run of high
 * scores is one event). Nothing fires during the warm-up of `minScores` scores. Scores
 * above the start threshold are not learned (also during the warm-up), so anomalies never
 * widen the tail that judges them; that truncation removes `targetRate` of normal mass.
 * With `learnDelay` L, scores after the warm-up are learned late, in blocks of L: a block
 * is learned once the block after it has passed without a run, and dropped if a run
 * started in either — so a slowly growing anomaly (a drift), whose scores creep up below
 * the start threshold before it fires, cannot teach the tail to tolerate it (the boiling
 * frog). State: two sparse blocks.
 * Invariant: grade ∈ [0, 1]; grade > 0 iff the score starts or continues a run; the state is
 * plain JSON (`toJSON` / constructor), and a restored thresholder grades identically.
 */
import { ConfigError } from '../../core/index.js';
import { BINS, addScore, binOf, cdf, expandBins, quantile, trimBins } from './score-histogram.js';

/** Options of {@link Thresholder}. */
export interface ThresholderOptions {
  /** Probability per score that a normal score starts a run (false alarms); default 1e-4. */
  readonly targetRate?: number;
  /** A run goes on while scores are rarer than this; default 0.01. */
  readonly continueRate?: number;
  /** Share of scores whose excess defines the tail; default 0.05. */
  readonly tailFraction?: number;
  /** Scores to see before grading (warm-up, never fires); default 20. */
  readonly minScores?: number;
  /** Effective memory of the histogram, in scores; default 10,080 (a week of minutes). */
  readonly horizon?: number;
  /**
   * Prior mean excess over `u` (score units), for a thin history; default 0.15 — the excess
   * measured on the device simulator's forest scores after two days (0.12–0.15).
   */
  readonly priorExcess?: number;
  /** Weight of that prior, in tail scores; default 20. */
  readonly priorWeight?: number;
  /** Scores at or below this never fire; default 0. */
  readonly absoluteFloor?: number;
  /** Learn scores late, in blocks of this many (see module doc); default 0 (at once). */
  readonly learnDelay?: number;
}

/** One graded score. */
export interface Graded {
  readonly score: number;
  /** Anomaly grade in [0, 1]; 0 means not anomalous, 0.5 is the start threshold. */
  readonly grade: number;
  /** The threshold the score was compared against (start, or continuation in a run). */
  readonly threshold: number;
  /** Estimated probability that a normal score is at least this high. */
  readonly rarity: number;
}

/** Plain-JSON state of a thresholder. */
export interface ThresholderState {
  count: number;
  /** Weight of the next score (grows by 1/(1 − 1/horizon) per score instead of decaying all). */
  weight: number;
  total: number;
  /** The histogram's bins from `lo` on, up to its last non-empty bin (the rest are 0). */
  bins: number[];
  /** Index of `bins[0]` (the empty bins below are not stored); default 0. */
  lo?: number;
  inRun: boolean;
  /** The tail start and mean excess in use, refreshed every `REFRESH` learned scores. */
  tail: { u: number; beta: number } | null;
  sinceRefresh: number;
  /** With `learnDelay`: the older and the newer block of held scores (pairs bin, count). */
  held?: HeldBlock[];
}

/** Scores held before learning: `n` scores as pairs [bin, count, …]; `tainted` once a run started. */
export interface HeldBlock {
  n: number;
  bins: number[];
  tainted: boolean;
}

/** Learned scores between two fits of the tail (a fit walks the histogram). */
const REFRESH = 16;

const copyState = (s: ThresholderState): ThresholderState => ({
  ...s,
  bins: [...s.bins],
  tail: s.tail ? { ...s.tail } : null,
  ...(s.held ? { held: s.held.map((b) => ({ ...b, bins: [...b.bins] })) } : {}),
});

/** Calibrated, hysteretic thresholder (see module doc). */
export class Thresholder {
  private readonly targetRate: number;
  private readonly continueRate: number;
  private readonly tailFraction: number;
  private readonly minScores: number;
  private readonly growth: number;
  private readonly priorExcess: number;
  private readonly priorWeight: number;
  private readonly absoluteFloor: number;
  private readonly learnDelay: number;
  private readonly s: ThresholderState;

  constructor(options: ThresholderOptions = {}, state?: ThresholderState) {
    const {
      targetRate = 1e-4,
      continueRate = 0.01,
      tailFraction = 0.05,
      minScores = 20,
      horizon = 10_080,
      priorExcess = 0.15,
      priorWeight = 20,
      absoluteFloor = 0,
      learnDelay = 0,
    } = options;
    const rate = (field: string, v: number, max: number) => {
      if (!(v > 0 && v < max)) throw new ConfigError(field, `must be in (0, ${max})`);
    };
    rate('tailFraction', tailFraction, 1);
    rate('continueRate', continueRate, 1);
    rate('targetRate', targetRate, continueRate);
    if (!Number.isInteger(minScores) || minScores < 1)
      throw new ConfigError('minScores', 'must be an integer ≥ 1');
    if (!(horizon >= 2)) throw new ConfigError('horizon', 'must be ≥ 2');
    if (!(priorExcess > 0) || !(priorWeight >= 0))
      throw new ConfigError('priorExcess', 'priorExcess must be > 0 and priorWeight ≥ 0');
    this.targetRate = targetRate;
    this.continueRate = continueRate;
    this.tailFraction = tailFraction;
    this.minScores = minScores;
    this.growth = 1 / (1 - 1 / horizon);
    this.priorExcess = priorExcess;
    this.priorWeight = priorWeight;
    this.absoluteFloor = absoluteFloor;
    if (!Number.isInteger(learnDelay) || learnDelay < 0)
      throw new ConfigError('learnDelay', 'must be an integer ≥ 0');
    this.learnDelay = learnDelay;
    this.s = state
      ? (({ lo: _lo, ...rest }) => ({
          ...copyState(rest),
          bins: expandBins(state.lo ?? 0, state.bins),
        }))(state)
      : {
          count: 0,
          weight: 1,
          total: 0,
          bins: new Array<number>(BINS).fill(0),
          inRun: false,
          tail: null,
          sinceRefresh: 0,
        };
  }

  /** Plain-JSON copy of the state (restore with `new Thresholder(options, state)`). */
  toJSON(): ThresholderState {
    return { ...copyState(this.s), ...trimBins(this.s.bins) };
  }

  /** The state (a copy, for codecs; same as {@link toJSON}). */
  get state(): ThresholderState {
    return this.toJSON();
  }

  /** True while a run of high scores is open. */
  get inRun(): boolean {
    return this.s.inRun;
  }

  /** The score a normal score exceeds with probability `p` (the calibrated threshold). */
  thresholdFor(p: number): number {
    const { u, beta } = this.tail();
    const t = this.tailFraction;
    const x = p < t ? u + beta * Math.log(t / p) : quantile(this.s, 1 - p);
    return Math.max(x, this.absoluteFloor);
  }

  /** Estimated probability that a normal score is ≥ `score`. */
  rarity(score: number): number {
    if (this.s.total <= 0) return 1;
    const { u, beta } = this.tail();
    if (score >= u) return this.tailFraction * Math.exp(-(score - u) / beta);
    return Math.max(this.tailFraction, 1 - cdf(this.s, score));
  }

  /**
   * Grades `score` against the history so far (start or continuation threshold), then learns
   * it (unless `learn` is false, e.g. for evidence a caller already suspects). Scores ≤ 0 (a
   * model not ready) grade 0 and are not learned.
   */
  grade(score: number, learn = true): Graded {
    if (!(score > 0)) {
      this.s.inRun = false;
      return { score, grade: 0, threshold: 0, rarity: 1 };
    }
    const warm = this.s.count >= this.minScores;
    const start = this.thresholdFor(this.targetRate);
    const cont = this.thresholdFor(this.continueRate);
    const rarity = this.rarity(score);
    let grade = 0;
    if (warm && score > this.absoluteFloor) {
      const ls = -Math.log(this.targetRate);
      const l = -Math.log(Math.max(rarity, 1e-300));
      if (score > start) grade = Math.min(1, 0.5 + (0.5 * (l - ls)) / ls);
      else if (this.s.inRun && score > cont) {
        const lc = -Math.log(this.continueRate);
        grade = Math.max(0.01, (0.5 * (l - lc)) / (ls - lc));
      }
    }
    this.s.inRun = grade > 0;
    if (learn && (this.s.total <= 0 || score <= start)) {
      // the warm-up's scores are learned at once (as a forest's warm-up, assumed normal)
      if (this.learnDelay > 0 && this.s.count >= this.minScores) this.hold(binOf(score));
      else this.learn(binOf(score));
    }
    if (grade > 0) for (const b of this.s.held ?? []) b.tainted = true;
    return { score, grade, threshold: this.s.inRun && score <= start ? cont : start, rarity };
  }

  /** Holds a score's bin in the newer block; a full block lets the older one be learned. */
  private hold(bin: number): void {
    const st = this.s;
    const held = (st.held ??= [{ n: 0, bins: [], tainted: false }]);
    const newer = held[held.length - 1] as HeldBlock;
    newer.n += 1;
    const i = newer.bins.findIndex((b, j) => j % 2 === 0 && b === bin);
    if (i >= 0) newer.bins[i + 1] = (newer.bins[i + 1] as number) + 1;
    else newer.bins.push(bin, 1);
    if (newer.n < this.learnDelay) return;
    const older = held.length > 1 ? (held[0] as HeldBlock) : undefined;
    if (older && !older.tainted)
      for (let j = 0; j < older.bins.length; j += 2)
        for (let c = 0; c < (older.bins[j + 1] as number); c += 1)
          this.learn(older.bins[j] as number);
    st.held = [newer, { n: 0, bins: [], tainted: false }];
  }

  private learn(b: number): void {
    const st = this.s;
    st.count += 1;
    addScore(st, b, this.growth);
    st.sinceRefresh += 1;
    if (st.sinceRefresh >= REFRESH || st.count <= REFRESH) st.tail = null;
  }

  /** Tail start `u` and mean excess β (shrunk towards the prior), refitted every `REFRESH` scores. */
  private tail(): { u: number; beta: number } {
    const st = this.s;
    if (st.tail) return st.tail;
    st.sinceRefresh = 0;
    const t = this.tailFraction;
    const u = quantile(st, 1 - t);
    // exponential tail: q(1 − t/5) − q(1 − t) = β·ln 5 — robust to the few extreme scores
    // (anomalies) that a mean excess would let dominate
    const observed = Math.max(0, (quantile(st, 1 - t / 5) - u) / Math.log(5));
    const n = (t * st.total) / st.weight; // decayed count of tail scores
    const prior = this.priorExcess;
    const beta = Math.max((n * observed + this.priorWeight * prior) / (n + this.priorWeight), 1e-9);
    st.tail = { u, beta };
    return st.tail;
  }
}
