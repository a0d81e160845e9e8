/**
 * @module models/rcf/flat-line
 * Stuck (flat-lined) sensor detector, per key: what a point-wise forest cannot see, since a
 * frozen reading is an ordinary value. Per measure it learns, over a decayed horizon, how
 * often a window repeats the previous window's value exactly after a change (`r`) and after a
 * repeat (`q`; slow measures repeat in runs), Laplace-smoothed, and tracks the current run of
 * repeats `k`. A run of repeats of several measures has probability Π r_m·q_m^(k_m−1) under
 * independent normal behaviour (a Markov chain per measure). Its surprise −log P is then
 * graded by a calibrated {@link Thresholder} of its own (measures are not independent, and a
 * key sees many windows): the detector fires at the key's own `targetRate` — a pressure
 * sensor that often repeats needs a longer run than a noisy CO₂ sensor. Repeats inside a
 * firing run are not learned. Imputed windows are skipped. Invariant: state is plain JSON.
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
}

/** Verdict for one window. */
export interface FlatLineVerdict {
  /** Grade in [0, 1] of the surprise (0: not stuck). */
  readonly grade: number;
  /** Natural log of the probability of the current runs under normal behaviour. */
  readonly logProbability: number;
  /** Current run of exact repeats per measure (windows). */
  readonly runs: readonly number[];
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
  private readonly s: Omit<FlatLineState, 'grader'>;

  constructor(options: FlatLineOptions, state?: FlatLineState) {
    const { measures, minRun = 3, horizon = 10_080 } = options;
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
    if (imputed) return { ...this.evidence(), grade: 0 };
    const learn = !st.firing && !st.suspect;
    values.forEach((v, m) => {
      const last = st.last[m];
      const repeat = last !== null && last !== undefined && v === last;
      if (last !== null && learn) {
        const k = this.keep;
        if ((st.runs[m] as number) > 0) {
          st.repeats[m] = (st.repeats[m] as number) * k + (repeat ? 1 : 0);
          st.inRun[m] = (st.inRun[m] as number) * k + 1;
        } else {
          st.starts[m] = (st.starts[m] as number) * k + (repeat ? 1 : 0);
          st.fresh[m] = (st.fresh[m] as number) * k + 1;
        }
      }
      st.runs[m] = repeat ? (st.runs[m] as number) + 1 : 0;
      st.last[m] = v;
    });
    const { logProbability, runs } = this.evidence();
    const surprise = 1 - logProbability;
    // a run already rarer than the continuation threshold is suspect: neither its repeats
    // nor its surprise are learned, so a slowly judged stuck sensor cannot teach itself
    const suspect = surprise > this.grader.thresholdFor(this.graderContinue);
    const g = this.grader.grade(surprise, !suspect);
    const grade = Math.max(...runs) >= this.minRun ? g.grade : 0;
    st.firing = grade > 0;
    st.suspect = suspect;
    return { grade, logProbability, runs };
  }

  private evidence(): { logProbability: number; runs: number[] } {
    const runs = this.s.runs;
    let logP = 0;
    runs.forEach((k, m) => {
      logP += this.logRun(m, k);
    });
    return { logProbability: logP, runs: [...runs] };
  }
}
