/**
 * @module models/rcf/baseline
 * What a forest of recent points cannot see: a departure from the key's OWN long-horizon
 * normal — a level shift that lasts (the forest has absorbed it after a few windows) and a
 * slow drift (each window is close to the one before). Per measure it keeps a robust daily
 * profile (24 hourly means, linearly interpolated between hour centres; learned over about a
 * week) and the typical size of the residual against it; a window's residual in those units
 * is `z`. The residual size is a mean square with large residuals counted a quarter above 4
 * sizes (a creeping fault inflates it little, an intermittent measure's bursts still count),
 * floored at a tenth of the measure's overall deviation (a measure idle for hours must not turn
 * its first ordinary burst into a huge z). Two statistics, each graded by a calibrated
 * {@link Thresholder} of its own:
 * - **level** `1 + max |z|` — a departure now (a shift, for as long as it lasts);
 * - **drift** `1 + max |EWMA(z)|` over `driftSpan` windows — a small departure that persists
 *   (noise averages out, a ramp accumulates): the CUSUM idea with a leak, so the statistic
 *   falls back once the sensor is recalibrated instead of staying high for hours (a sudden
 *   return of the residual to less than half the average restarts it).
 * Nothing is judged before `warmup` real windows. The profile and the deviation learn only
 * from windows the caller does not suspect (`learn`); once the profile knows every hour of the
 * day, both graders start over (residuals against a day's profile are not those against the
 * first day's running hour means). Time comes with each window.
 * Invariant: state is plain JSON and a restored baseline continues exactly.
 */
import { ConfigError } from '../../core/index.js';
import { learnMoments, standardScore } from './standard-score.js';
import { Thresholder, type ThresholderOptions, type ThresholderState } from './thresholder.js';

/** Options of {@link BaselineDetector}. */
export interface BaselineOptions {
  /** Number of measures per window. */
  readonly measures: number;
  /** Grading of the level statistic; default warm-up 60 scores, prior excess 1 weighing 50, learned late (blocks of 60). */
  readonly level?: ThresholderOptions;
  /** Grading of the drift statistic; same defaults. */
  readonly drift?: ThresholderOptions;
  /** Span of the drift average, windows; default 20. */
  readonly driftSpan?: number;
  /** Real windows learned before either statistic is graded; default 60 (an hour). */
  readonly warmup?: number;
  /** Memory of the profile and residual size, in windows; default 10,080 (a week of minutes). */
  readonly horizon?: number;
}

/** Plain-JSON state of a {@link BaselineDetector}. */
export interface BaselineState {
  n: number;
  /** Per hour of day (UTC), windows learned (shared by the measures). */
  seen: number[];
  /** Per measure, 24 hourly means. */
  profile: number[][];
  /** Every hour of the day has been learned for half an hour or more (a day's profile). */
  mature: boolean;
  /** Residual sizes learned (from hours the profile already knew). */
  nSquare: number;
  /** Per measure: mean square residual, running mean and variance (overall), EWMA of z. */
  square: number[];
  mean: number[];
  variance: number[];
  ewma: number[];
  level: ThresholderState;
  drift: ThresholderState;
}

/** What the baseline says about one window. */
export interface BaselineVerdict {
  readonly level: number;
  readonly drift: number;
  /** Residual per measure in units of its typical size (0 before the profile knows the hour). */
  readonly z: readonly number[];
  /** The drift average per measure. */
  readonly ewma: readonly number[];
}

const round7 = (x: number) => Number(x.toPrecision(7));
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A drop of the residual by this much (its own units) to under half the average restarts it. */
const RESTART = 4;

/** Daily-profile baseline with level and drift statistics (see module doc). */
export class BaselineDetector {
  private levelGrader: Thresholder;
  private driftGrader: Thresholder;
  private readonly levelOptions: ThresholderOptions;
  private readonly driftOptions: ThresholderOptions;
  private readonly span: number;
  private readonly warmup: number;
  private readonly horizon: number;
  private readonly s: Omit<BaselineState, 'level' | 'drift'>;

  constructor(options: BaselineOptions, state?: BaselineState) {
    const { measures, driftSpan = 20, warmup = 60, horizon = 10_080 } = options;
    if (!Number.isInteger(measures) || measures < 1)
      throw new ConfigError('measures', 'must be an integer ≥ 1');
    if (!(driftSpan >= 1)) throw new ConfigError('driftSpan', 'must be ≥ 1');
    if (!(horizon >= 2)) throw new ConfigError('horizon', 'must be ≥ 2');
    // scores are learned late (blocks of an hour): a drift creeping up below the threshold
    // must not teach the grader to tolerate it
    const grading = { minScores: 60, priorExcess: 1, priorWeight: 50, learnDelay: 60 };
    this.levelOptions = { ...grading, ...options.level };
    this.driftOptions = { ...grading, ...options.drift };
    this.levelGrader = new Thresholder(this.levelOptions, state?.level);
    this.driftGrader = new Thresholder(this.driftOptions, state?.drift);
    this.span = driftSpan;
    this.warmup = warmup;
    this.horizon = horizon;
    if (state && state.profile.length !== measures)
      throw new ConfigError('state', `expected ${measures} measures, got ${state.profile.length}`);
    this.s = state
      ? structuredClone({
          n: state.n,
          seen: state.seen,
          profile: state.profile,
          mature: state.mature,
          nSquare: state.nSquare,
          square: state.square,
          mean: state.mean,
          variance: state.variance,
          ewma: state.ewma,
        })
      : {
          n: 0,
          seen: new Array<number>(24).fill(0),
          profile: Array.from({ length: measures }, () => new Array<number>(24).fill(0)),
          mature: false,
          nSquare: 0,
          square: new Array<number>(measures).fill(0),
          mean: new Array<number>(measures).fill(0),
          variance: new Array<number>(measures).fill(0),
          ewma: new Array<number>(measures).fill(0),
        };
  }

  /** Plain-JSON copy of the state. */
  toJSON(): BaselineState {
    return {
      ...structuredClone(this.s),
      level: this.levelGrader.toJSON(),
      drift: this.driftGrader.toJSON(),
    };
  }

  /** The profile's expected value of measure `m` at `time`, or undefined before it knows the hour. */
  expected(m: number, time: number): number | undefined {
    const p = this.s.profile[m] as number[];
    const x = (((time % DAY) + DAY) % DAY) / HOUR - 0.5;
    const h0 = (Math.floor(x) + 24) % 24;
    const h1 = (h0 + 1) % 24;
    const w1 = x - Math.floor(x);
    const k0 = (this.s.seen[h0] as number) > 0;
    const k1 = (this.s.seen[h1] as number) > 0;
    if (k0 && k1) return (1 - w1) * (p[h0] as number) + w1 * (p[h1] as number);
    if (k0) return p[h0];
    if (k1) return p[h1];
    return undefined;
  }

  /** Judges one real window (`judge` false: only track, e.g. while the caller warms up). */
  update(time: number, values: readonly number[], judge = true): BaselineVerdict {
    const s = this.s;
    const z = values.map((v, m) => {
      const e = this.expected(m, time);
      if (e === undefined || !Number.isFinite(v)) return 0;
      const sd = Math.max(
        Math.sqrt(s.square[m] as number),
        0.1 * Math.sqrt(s.variance[m] as number),
      );
      return standardScore(v, e, sd);
    });
    const a = 1 / this.span;
    z.forEach((x, m) => {
      const e = s.ewma[m] as number;
      // a sudden return towards the profile (a recalibrated sensor, a shift ending) restarts
      // the average there instead of leaking for `driftSpan` windows
      s.ewma[m] = Math.abs(x - e) > RESTART && Math.abs(x) < Math.abs(e) / 2 ? x : e + a * (x - e);
    });
    const ready = judge && s.n >= this.warmup;
    const level = ready ? this.levelGrader.grade(1 + Math.max(...z.map(Math.abs))).grade : 0;
    const drift = ready ? this.driftGrader.grade(1 + Math.max(...s.ewma.map(Math.abs))).grade : 0;
    return { level, drift, z, ewma: [...s.ewma] };
  }

  /** Learns a window the caller does not suspect (profile of its hour, overall deviation). */
  learn(time: number, values: readonly number[]): void {
    const s = this.s;
    s.n += 1;
    const h = Math.floor((((time % DAY) + DAY) % DAY) / HOUR);
    if (!s.mature && s.seen.every((x) => x >= 30)) {
      s.mature = true;
      this.levelGrader = new Thresholder(this.levelOptions);
      this.driftGrader = new Thresholder(this.driftOptions);
    }
    const alpha = 1 / Math.min(s.n, this.horizon);
    // the residual size is learned where the profile knows the hour (half an hour of it)
    const known = (s.seen[h] as number) >= 30;
    if (known) s.nSquare += 1;
    const beta = 1 / Math.min(Math.max(s.nSquare, 1), this.horizon);
    values.forEach((v, m) => {
      if (!Number.isFinite(v)) return;
      const e = this.expected(m, time);
      if (known && e !== undefined) {
        const r = v - e;
        const k = 16 * (s.square[m] as number);
        const r2 = s.nSquare > 30 && r * r > k ? k + (r * r - k) / 4 : r * r;
        s.square[m] = (1 - beta) * (s.square[m] as number) + beta * r2;
      }
      learnMoments(s.mean, s.variance, m, v, alpha);
      const p = s.profile[m] as number[];
      // the hour's mean over about a week of that hour (60 windows an hour); 7 significant
      // digits: the profile is most of the state, and finer is noise
      p[h] = round7((p[h] as number) + (v - (p[h] as number)) / ((s.seen[h] as number) + 1));
    });
    s.seen[h] = Math.min((s.seen[h] as number) + 1, this.horizon / 24 - 1);
  }
}
