/**
 * @module models/rcf/flat-line
 * Stuck (flat-lined) sensor detector, per key: what a point-wise forest cannot see, since a
 * frozen reading is an ordinary value. A stuck sensor freezes its transmission: every measure
 * repeats at once. Per measure it learns, over a decayed horizon, how often a window repeats
 * the previous window's value exactly after a change (`r`) and after a repeat (`q`; slow
 * measures repeat in runs), Laplace-smoothed, and tracks the current run of repeats. The
 * evidence is the JOINT run `k`: the windows for which every measure that is not at rest has
 * repeated; under independent normal behaviour (a Markov chain per measure) it has
 * probability Π r_m·q_m^(k−1). A run of one slow measure alone (pressure at a turning point)
 * is therefore no evidence, which per-measure runs were. Its surprise −log P is graded by a
 * calibrated {@link Thresholder} of its own: the detector fires at the key's own `targetRate`.
 * **At rest**: a measure sitting at the value it legitimately rests at is no evidence either
 * (an idle sub-meter at 0 for hours): per measure the value most of its repeats were at
 * (one-counter Misra–Gries over learned repeat windows) is its rest value once at least
 * `restShare` of its windows repeated at it. Decided from the key's own history, so nothing
 * is assumed about zero. Repeats inside a suspect or firing run are not learned. Imputed
 * windows are skipped. Invariant: state is plain JSON.
 */
import { ConfigError } from '../../core/index.js';
import { Thresholder, type ThresholderOptions, type ThresholderState } from './thresholder.js';

/** Options of {@link FlatLineDetector}. */
export interface FlatLineOptions {
  /** Measures (one value each per window, in this order). */
  readonly measures: readonly string[];
  /** Grading of the surprise (its `targetRate` is the false-alarm rate); default warm-up 60 windows
   * and a prior mean excess of 2 nats weighing 50 windows. */
  readonly thresholder?: ThresholderOptions;
  /** Shortest run (windows) that may fire; default 3. */
  readonly minRun?: number;
  /** Memory of the repeat rates, in windows; default 10,080. */
  readonly horizon?: number;
  /** Share of a measure's windows repeating at one value that makes it its rest value; default 0.05. */
  readonly restShare?: number;
}

/** Verdict for one window. */
export interface FlatLineVerdict {
  /** Grade in [0, 1] of the surprise (0: not stuck). */
  readonly grade: number;
  /** Natural log of the probability of the current runs under normal behaviour. */
  readonly logProbability: number;
  /** Current run of exact repeats per measure (windows). */
  readonly runs: readonly number[];
  /** The joint run: windows for which every measure not at rest repeated (0: none). */
  readonly joint: number;
  /** Per measure: at its rest value now (not evidence). */
  readonly resting: readonly boolean[];
}

/** Plain-JSON state of a {@link FlatLineDetector}. */
export interface FlatLineState {
  last: (number | null)[];
  runs: number[];
  /** Decayed counts: repeats and windows after a change, repeats and windows after a repeat. */
  starts: number[];
  fresh: number[];
  repeats: number[];
  inRun: number[];
  /** Per measure: the value most repeats were at, and its decayed count of repeat windows. */
  rest: (number | null)[];
  restCount: number[];
  /** Decayed count of learned windows (the denominator of the rest share). */
  windows: number;
  firing: boolean;
  /** The current runs are rarer than the grader's continuation threshold: not learned. */
  suspect: boolean;
  grader: ThresholderState;
}

/** Flat-line detector (see module doc). */
export class FlatLineDetector {
  readonly measures: readonly string[];
  private readonly grader: Thresholder;
  private readonly minRun: number;
  private readonly graderContinue: number;
  private readonly keep: number;
  private readonly restShare: number;
  private readonly s: Omit<FlatLineState, 'grader'>;

  constructor(options: FlatLineOptions, state?: FlatLineState) {
    const { measures, minRun = 3, horizon = 10_080, restShare = 0.05 } = options;
    if (measures.length < 1) throw new ConfigError('measures', 'must name at least one measure');
    if (!Number.isInteger(minRun) || minRun < 1)
      throw new ConfigError('minRun', 'must be an integer ≥ 1');
    if (!(horizon >= 2)) throw new ConfigError('horizon', 'must be ≥ 2');
    this.measures = measures;
    this.grader = new Thresholder(
      { minScores: 60, priorExcess: 2, priorWeight: 50, ...options.thresholder },
      state?.grader,
    );
    this.minRun = minRun;
    this.graderContinue = options.thresholder?.continueRate ?? 0.01;
    this.keep = 1 - 1 / horizon;
    this.restShare = restShare;
    const n = measures.length;
    if (state && state.runs.length !== n)
      throw new ConfigError('state', `expected ${n} measures, got ${state.runs.length}`);
    this.s = state
      ? structuredClone({
          last: state.last,
          runs: state.runs,
          starts: state.starts,
          fresh: state.fresh,
          repeats: state.repeats,
          inRun: state.inRun,
          rest: state.rest,
          restCount: state.restCount,
          windows: state.windows,
          firing: state.firing,
          suspect: state.suspect,
        })
      : {
          last: new Array<number | null>(n).fill(null),
          runs: new Array<number>(n).fill(0),
          starts: new Array<number>(n).fill(0),
          fresh: new Array<number>(n).fill(0),
          repeats: new Array<number>(n).fill(0),
          inRun: new Array<number>(n).fill(0),
          rest: new Array<number | null>(n).fill(null),
          restCount: new Array<number>(n).fill(0),
          windows: 0,
          firing: false,
          suspect: false,
        };
  }

  /** Plain-JSON copy of the state. */
  toJSON(): FlatLineState {
    return { ...structuredClone(this.s), grader: this.grader.toJSON() };
  }

  /** Probability that measure `m` repeats its previous value after a change (`r`). */
  repeatRate(m: number): number {
    return ((this.s.starts[m] as number) + 1) / ((this.s.fresh[m] as number) + 2);
  }

  /** Probability that measure `m` repeats again after a repeat (`q`). */
  continueRate(m: number): number {
    return ((this.s.repeats[m] as number) + 1) / ((this.s.inRun[m] as number) + 2);
  }

  /** Log-probability of a run of `k` repeats of measure `m` in normal behaviour. */
  logRun(m: number, k: number): number {
    return k > 0 ? Math.log(this.repeatRate(m)) + (k - 1) * Math.log(this.continueRate(m)) : 0;
  }

  /** Takes one window's values (per measure, in `measures` order). */
  update(values: readonly number[], imputed = false): FlatLineVerdict {
    const st = this.s;
    if (imputed) return { ...this.evidence(values), grade: 0 };
    const learn = !st.firing && !st.suspect;
    const k = this.keep;
    if (learn) st.windows = st.windows * k + 1;
    values.forEach((v, m) => {
      const last = st.last[m];
      const repeat = last !== null && last !== undefined && v === last;
      if (last !== null && learn) {
        if ((st.runs[m] as number) > 0) {
          st.repeats[m] = (st.repeats[m] as number) * k + (repeat ? 1 : 0);
          st.inRun[m] = (st.inRun[m] as number) * k + 1;
        } else {
          st.starts[m] = (st.starts[m] as number) * k + (repeat ? 1 : 0);
          st.fresh[m] = (st.fresh[m] as number) * k + 1;
        }
        // the rest value: the one most repeat windows were at (one-counter Misra–Gries)
        const c = (st.restCount[m] as number) * k;
        if (!repeat) st.restCount[m] = c;
        else if (v === st.rest[m]) st.restCount[m] = c + 1;
        else if (c > 1) st.restCount[m] = c - 1;
        else {
          st.rest[m] = v;
          st.restCount[m] = 1;
        }
      }
      st.runs[m] = repeat ? (st.runs[m] as number) + 1 : 0;
      st.last[m] = v;
    });
    const { logProbability, runs, joint, resting } = this.evidence(values);
    const surprise = 1 - logProbability;
    // a run already rarer than the continuation threshold is suspect: neither its repeats
    // nor its surprise are learned, so a slowly judged stuck sensor cannot teach itself
    const suspect = surprise > this.grader.thresholdFor(this.graderContinue);
    const g = this.grader.grade(surprise, !suspect);
    const grade = joint >= this.minRun ? g.grade : 0;
    st.firing = grade > 0;
    st.suspect = suspect;
    return { grade, logProbability, runs, joint, resting };
  }

  /** True when measure `m` reads `v` and `v` is the value it legitimately rests at. */
  atRest(m: number, v: number): boolean {
    const st = this.s;
    return v === st.rest[m] && (st.restCount[m] as number) >= this.restShare * st.windows;
  }

  private evidence(values: readonly number[]): {
    logProbability: number;
    runs: number[];
    joint: number;
    resting: boolean[];
  } {
    const runs = this.s.runs;
    const resting = runs.map((_, m) => this.atRest(m, values[m] as number));
    let joint = Number.POSITIVE_INFINITY;
    runs.forEach((k, m) => {
      if (!resting[m]) joint = Math.min(joint, k);
    });
    if (!Number.isFinite(joint)) joint = 0;
    let logP = 0;
    runs.forEach((_, m) => {
      if (!resting[m]) logP += this.logRun(m, joint);
    });
    return { logProbability: logP, runs: [...runs], joint, resting };
  }
}
