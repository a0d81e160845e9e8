/**
 * @module models/rcf/detector
 * The per-key anomaly detector: a small combination so that every kind of fault is caught —
 * the forest's score graded by the calibrated {@link Thresholder} (spikes, level shifts),
 * two cheap per-measure statistics graded the same way — the level (largest |z| against the
 * key's long-run mean and deviation) and the trend (fast minus slow moving average, in units
 * of its own typical size: drifts, which a forest of recent points follows and misses), a {@link FlatLineDetector} (stuck sensors), a {@link GapDetector} (dropouts) and a
 * physical-range check (values outside a sensor's range, seen directly or reported as marks
 * of dead-lettered readings) — feeding one {@link EventTracker}. It also scales the forest's
 * features (per-measure running mean and deviation, so no measure dominates the random
 * cuts). The forest itself is kept outside (its own codec). Pure: time comes with each
 * window. Invariant: `new AnomalyDetector(options, d.toJSON())` continues exactly as `d`.
 */
import { ConfigError } from '../../core/index.js';
import {
  EventTracker,
  type AnomalyEvent,
  type AnomalyKind,
  type EventTrackerState,
} from './events.js';
import { kdaExplanation, type ColumnExplanation } from './explanation.js';
import { FlatLineDetector, type FlatLineOptions, type FlatLineState } from './flat-line.js';
import type { DiVector } from './forest.js';
import { rangeEvidence, weightExplanation, type RangeMark } from './detector-evidence.js';
import { GapDetector, type GapOptions, type GapState } from './gap.js';
import { Thresholder, type ThresholderOptions, type ThresholderState } from './thresholder.js';

/** Options of {@link AnomalyDetector}. */
export interface AnomalyDetectorOptions {
  /** Measures of a window, in the order of `values` (and of the forest's columns). */
  readonly measures: readonly string[];
  /** Window step, ms; default 60,000. */
  readonly stepMs?: number;
  /** Grading of the forest's score. */
  readonly thresholder?: ThresholderOptions;
  /** Grading of the level statistic 1 + max |z| (a window far from the key's long-run range). */
  readonly level?: ThresholderOptions;
  /** Grading of the trend statistic 1 + max |trend / typical trend| (drifts). */
  readonly trend?: ThresholderOptions;
  readonly flatLine?: Omit<FlatLineOptions, 'measures'>;
  readonly gap?: Omit<GapOptions, 'stepMs'>;
  /** Physical range per measure; values outside are `range` anomalies. Default none. */
  readonly ranges?: Readonly<Record<string, readonly [number, number]>>;
  /** Quiet windows that close an event; default 2. */
  readonly closeAfter?: number;
  /** A forest event whose first window jumps less than this (scaled units) is a drift; default 1.5. */
  readonly abruptJump?: number;
  /** A forest event of at most this many windows is a spike; default 4. */
  readonly spikeWindows?: number;
  /** Memory of the feature scaling, in windows; default 10,080. */
  readonly horizon?: number;
}

/** One window for {@link AnomalyDetector.update}. */
export interface DetectorInput {
  readonly time: number;
  readonly imputed?: boolean;
  /** The window's values, in `measures` order. */
  readonly values: readonly number[];
  /** The forest's score of the window (0 when not ready or not scored). */
  readonly score: number;
  /** The forest's attribution (per point dimension; shingle positions are summed per measure). */
  readonly attribution?: DiVector | null;
}

/** What the detector says about one window. */
export interface Detection {
  /** Combined grade in [0, 1] (0: not anomalous). */
  readonly grade: number;
  /** The forest score's own grade and threshold. */
  readonly scoreGrade: number;
  readonly threshold: number;
  readonly kind?: AnomalyKind;
  /** Events this window opened, extended or closed (a reported dropout comes first). */
  readonly events: readonly AnomalyEvent[];
}

/** Plain-JSON state of an {@link AnomalyDetector}. */
export interface AnomalyDetectorState {
  n: number;
  mean: number[];
  variance: number[];
  previous: number[] | null;
  onsetJump: number;
  marks: RangeMark[];
  thresholder: ThresholderState;
  level: ThresholderState;
  trend: ThresholderState;
  /** Per measure: fast (15-window) and slow (60-window) moving averages, mean square trend. */
  fast: number[];
  slow: number[];
  trendSquare: number[];
  flatLine: FlatLineState;
  gap: GapState;
  events: EventTrackerState;
}

const FLAT = 1e-9;
/** Real windows before the level and trend statistics are judged. */
const STATS_WARMUP = 120;

/** Per-key anomaly detector (see module doc). */
export class AnomalyDetector {
  readonly measures: readonly string[];
  private readonly o: Required<
    Omit<AnomalyDetectorOptions, 'thresholder' | 'level' | 'trend' | 'flatLine' | 'gap'>
  >;
  private readonly thresholder: Thresholder;
  private readonly level: Thresholder;
  private readonly trend: Thresholder;
  private readonly flatLine: FlatLineDetector;
  private readonly gap: GapDetector;
  private readonly events: EventTracker;
  private readonly s: Omit<
    AnomalyDetectorState,
    'thresholder' | 'level' | 'trend' | 'flatLine' | 'gap' | 'events'
  >;

  constructor(options: AnomalyDetectorOptions, state?: AnomalyDetectorState) {
    const {
      measures,
      stepMs = 60_000,
      ranges = {},
      closeAfter = 2,
      abruptJump = 1.5,
      spikeWindows = 4,
      horizon = 10_080,
    } = options;
    if (measures.length < 1) throw new ConfigError('measures', 'must name at least one measure');
    if (!(horizon >= 2)) throw new ConfigError('horizon', 'must be ≥ 2');
    this.measures = measures;
    this.o = { measures, stepMs, ranges, closeAfter, abruptJump, spikeWindows, horizon };
    this.thresholder = new Thresholder(options.thresholder, state?.thresholder);
    this.level = new Thresholder(
      { minScores: 240, priorExcess: 1, priorWeight: 50, ...options.level },
      state?.level,
    );
    this.trend = new Thresholder(
      { minScores: 240, priorExcess: 1, priorWeight: 50, ...options.trend },
      state?.trend,
    );
    this.flatLine = new FlatLineDetector({ ...options.flatLine, measures }, state?.flatLine);
    this.gap = new GapDetector({ ...options.gap, stepMs }, state?.gap);
    this.events = new EventTracker({ closeAfter }, state?.events);
    const n = measures.length;
    this.s = state
      ? structuredClone({
          n: state.n,
          mean: state.mean,
          variance: state.variance,
          previous: state.previous,
          onsetJump: state.onsetJump,
          marks: state.marks,
          fast: state.fast,
          slow: state.slow,
          trendSquare: state.trendSquare,
        })
      : {
          n: 0,
          mean: new Array<number>(n).fill(0),
          variance: new Array<number>(n).fill(0),
          previous: null,
          onsetJump: 0,
          marks: [],
          fast: [],
          slow: [],
          trendSquare: new Array<number>(n).fill(0),
        };
  }

  /** Plain-JSON copy of the whole state. */
  toJSON(): AnomalyDetectorState {
    return {
      ...structuredClone(this.s),
      thresholder: this.thresholder.toJSON(),
      level: this.level.toJSON(),
      trend: this.trend.toJSON(),
      flatLine: this.flatLine.toJSON(),
      gap: this.gap.toJSON(),
      events: this.events.toJSON(),
    };
  }

  /**
   * Scales forest features (measure-major shingle: index `i` is measure `i % measures`) by
   * the running mean and deviation of each measure; does not learn.
   */
  scale(features: readonly number[]): number[] {
    const m = this.measures.length;
    return features.map((v, i) => this.z(i % m, v));
  }

  /** Reports readings of `time` dead-lettered for values outside their range (`high`: above). */
  markOutOfRange(time: number, measures: readonly string[], high: readonly boolean[]): void {
    this.s.marks.push({ time, measures: [...measures], high: [...high] });
  }

  /** Takes one window (after the forest scored it). */
  update(input: DetectorInput): Detection {
    const { time, imputed = false, values, score, attribution = null } = input;
    if (values.length !== this.measures.length)
      throw new ConfigError('values', `expected ${this.measures.length}, got ${values.length}`);
    const events: AnomalyEvent[] = [];
    const range = rangeEvidence(
      this.s.marks,
      time,
      this.o.stepMs,
      this.measures,
      values,
      this.o.ranges,
    );
    this.s.marks = range.pending;
    for (const t of range.markTimes) this.gap.update(t);
    const dropout = this.gap.update(time, imputed);
    if (dropout)
      events.push(
        ...this.events.span(dropout.from, dropout.to, dropout.missing, dropout.grade, 'dropout'),
      );
    const graded = this.thresholder.grade(score);
    const zs = values.map((v, m) => this.z(m, v));
    // the level and trend statistics are judged (and learned) once their scaling has seen
    // `STATS_WARMUP` real windows: before, a tiny deviation would look huge
    const warm = this.s.n >= STATS_WARMUP;
    const level = imputed || !warm ? 0 : this.level.grade(1 + Math.max(...zs.map(Math.abs))).grade;
    const trend = this.trendGrade(values, warm && !imputed);
    const flat = this.flatLine.update(values, imputed);
    const jump = this.jump(values, imputed);
    let grade = Math.max(graded.grade, level, trend);
    let kind: AnomalyKind | undefined;
    let explanation: Readonly<Record<string, ColumnExplanation>> | undefined;
    if (grade > 0) {
      const open = this.events.current;
      if (!open) this.s.onsetJump = jump;
      const windows = (open?.windows ?? 0) + 1;
      kind =
        this.s.onsetJump < this.o.abruptJump
          ? 'drift'
          : windows <= this.o.spikeWindows
            ? 'spike'
            : 'shift';
      explanation =
        attribution && graded.grade >= level
          ? kdaExplanation(score, attribution, this.measures).ANOMALY_EXPLANATION
          : weightExplanation(
              this.measures,
              zs.map((z) => Math.abs(z)),
              (m) => (zs[m] as number) >= 0,
            );
    }
    let from = range.from;
    if (flat.grade > 0) {
      grade = Math.max(grade, flat.grade);
      kind = 'stuck';
      // the sensor froze at the window before its first repeat
      from = time - Math.max(...flat.runs) * this.o.stepMs;
      explanation = weightExplanation(
        this.measures,
        flat.runs.map((k, m) => -this.flatLine.logRun(m, k)),
        (m) => (values[m] as number) >= (this.s.mean[m] as number),
      );
    }
    if (range.grade > 0) {
      grade = 1;
      kind = 'range';
      explanation = range.explanation;
      from = range.from;
    }
    const touched = this.events.update({
      time,
      grade,
      score,
      threshold: graded.threshold,
      ...(from !== undefined ? { from } : {}),
      ...(kind ? { kind } : {}),
      ...(explanation ? { explanation } : {}),
    });
    if (touched) events.push(touched);
    if (!imputed && range.grade === 0) this.learn(values);
    return {
      grade,
      scoreGrade: graded.grade,
      threshold: graded.threshold,
      ...(kind ? { kind } : {}),
      events,
    };
  }

  /** Grade of the trend statistic; learns its typical size only while it does not fire. */
  private trendGrade(values: readonly number[], judge: boolean): number {
    const s = this.s;
    if (s.fast.length === 0) {
      s.fast = [...values];
      s.slow = [...values];
      return 0;
    }
    let worst = 0;
    const trends = values.map((v, m) => {
      s.fast[m] = (s.fast[m] as number) + (v - (s.fast[m] as number)) / 15;
      s.slow[m] = (s.slow[m] as number) + (v - (s.slow[m] as number)) / 60;
      const t = (s.fast[m] as number) - (s.slow[m] as number);
      const typical = Math.sqrt(s.trendSquare[m] as number);
      worst = Math.max(worst, Math.abs(t) / Math.max(typical, FLAT));
      return t;
    });
    const grade = judge ? this.trend.grade(1 + Math.min(worst, 1e4)).grade : 0;
    if (grade === 0) {
      const alpha = 1 / Math.min(s.n + 1, this.o.horizon);
      trends.forEach((t, m) => {
        s.trendSquare[m] = (1 - alpha) * (s.trendSquare[m] as number) + alpha * t * t;
      });
    }
    return grade;
  }

  private z(m: number, v: number): number {
    const mean = this.s.mean[m] as number;
    const sd = Math.sqrt(this.s.variance[m] as number);
    const floor = Math.max(1e-3 * Math.abs(mean), FLAT);
    return Math.max(-1e4, Math.min(1e4, (v - mean) / Math.max(sd, floor)));
  }

  private learn(values: readonly number[]): void {
    const s = this.s;
    s.n += 1;
    const alpha = 1 / Math.min(s.n, this.o.horizon);
    values.forEach((v, m) => {
      const d = v - (s.mean[m] as number);
      s.mean[m] = (s.mean[m] as number) + alpha * d;
      s.variance[m] = (1 - alpha) * ((s.variance[m] as number) + alpha * d * d);
    });
  }

  /** Largest change from the previous real window, in scaled units. */
  private jump(values: readonly number[], imputed: boolean): number {
    const prev = this.s.previous;
    let out = 0;
    if (prev)
      values.forEach((v, m) => {
        out = Math.max(out, Math.abs(this.z(m, v) - this.z(m, prev[m] as number)));
      });
    if (!imputed) this.s.previous = [...values];
    return out;
  }
}
