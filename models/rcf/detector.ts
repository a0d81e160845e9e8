/**
 * @module models/rcf/detector
 * The per-key anomaly detector: a small combination so that every kind of fault is caught,
 * each detector there for what the others cannot see —
 * - the forest's score graded by the calibrated {@link Thresholder}: abrupt changes of a
 *   window's shape (spikes, the onset of a level shift), multivariate and unit-free;
 * - a {@link BaselineDetector} against the key's own daily profile: what the forest absorbs —
 *   a shift for as long as it lasts (level) and a slow drift (a leaky average of residuals);
 * - a {@link FlatLineDetector}: stuck sensors (every measure frozen at a normal value);
 * - a {@link GapDetector}: dropouts, also while the key is silent ({@link AnomalyDetector.silence});
 * - a physical-range check (values outside a sensor's range, seen directly or reported as
 *   marks of dead-lettered readings),
 * feeding one {@link EventTracker}. The kind of an event: `range` > `stuck` > `dropout` >
 * `drift` (the departure grew gradually before the event, or keeps growing ≥ `driftGrowth`×
 * its onset) > `spike` (≤ `spikeWindows` windows) > `shift` (`event-onset.ts`). It also
 * scales the forest's features (standard scores against a per-measure running mean and
 * deviation, `standard-score.ts`, so no measure dominates the random cuts); the forest
 * itself is kept outside (its own codec). Pure: time comes with each window. Invariant:
 * `new AnomalyDetector(options, d.toJSON())` continues exactly as `d`.
 */
import { ConfigError } from '../../core/index.js';
import { BaselineDetector, type BaselineOptions, type BaselineState } from './baseline.js';
import {
  EventTracker,
  type AnomalyEvent,
  type AnomalyKind,
  type EventTrackerState,
} from './events.js';
import { departureKind, onsetOf, type Onset } from './event-onset.js';
import { kdaExplanation, type ColumnExplanation } from './explanation.js';
import { FlatLineDetector, type FlatLineOptions, type FlatLineState } from './flat-line.js';
import type { DiVector } from './forest.js';
import { rangeEvidence, weightExplanation, type RangeMark } from './detector-evidence.js';
import { GapDetector, type GapOptions, type GapState } from './gap.js';
import { learnMoments, standardScore } from './standard-score.js';
import { Thresholder, type ThresholderOptions, type ThresholderState } from './thresholder.js';

/** Options of {@link AnomalyDetector}. */
export interface AnomalyDetectorOptions {
  /** Measures of a window, in the order of `values` (and of the forest's columns). */
  readonly measures: readonly string[];
  /** Window step, ms; default 60,000. */
  readonly stepMs?: number;
  /** Grading of the forest's score. */
  readonly thresholder?: ThresholderOptions;
  /** The daily-profile baseline (level and drift statistics and their grading). */
  readonly baseline?: Omit<BaselineOptions, 'measures'>;
  readonly flatLine?: Omit<FlatLineOptions, 'measures'>;
  readonly gap?: Omit<GapOptions, 'stepMs'>;
  /** Physical range per measure; values outside are `range` anomalies. Default none. */
  readonly ranges?: Readonly<Record<string, readonly [number, number]>>;
  /** Quiet windows that close an event; default 2. */
  readonly closeAfter?: number;
  /** A departure that grows to this multiple of its size at the event's onset is a drift; default 2. */
  readonly driftGrowth?: number;
  /** An event of at most this many windows that is not a drift is a spike; default 4. */
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
  /** State layout version (a state of another layout is refused). */
  v: 2;
  n: number;
  mean: number[];
  variance: number[];
  onset: Onset | null;
  marks: RangeMark[];
  thresholder: ThresholderState;
  baseline: BaselineState;
  flatLine: FlatLineState;
  gap: GapState;
  events: EventTrackerState;
}

/** Per-key anomaly detector (see module doc). */
export class AnomalyDetector {
  readonly measures: readonly string[];
  private readonly o: Required<
    Omit<AnomalyDetectorOptions, 'thresholder' | 'baseline' | 'flatLine' | 'gap'>
  >;
  private readonly thresholder: Thresholder;
  private readonly baseline: BaselineDetector;
  private readonly flatLine: FlatLineDetector;
  private readonly gap: GapDetector;
  private readonly events: EventTracker;
  private readonly s: Pick<AnomalyDetectorState, 'n' | 'mean' | 'variance' | 'onset' | 'marks'>;

  constructor(options: AnomalyDetectorOptions, state?: AnomalyDetectorState) {
    const {
      measures,
      stepMs = 60_000,
      ranges = {},
      closeAfter = 2,
      driftGrowth = 2,
      spikeWindows = 4,
      horizon = 10_080,
    } = options;
    if (measures.length < 1) throw new ConfigError('measures', 'must name at least one measure');
    if (!(horizon >= 2)) throw new ConfigError('horizon', 'must be ≥ 2');
    if (state && state.v !== 2) throw new ConfigError('state', 'written by another version');
    this.measures = measures;
    this.o = { measures, stepMs, ranges, closeAfter, driftGrowth, spikeWindows, horizon };
    this.thresholder = new Thresholder(options.thresholder, state?.thresholder);
    this.baseline = new BaselineDetector(
      { ...options.baseline, measures: measures.length },
      state?.baseline,
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
          onset: state.onset,
          marks: state.marks,
        })
      : {
          n: 0,
          mean: new Array<number>(n).fill(0),
          variance: new Array<number>(n).fill(0),
          onset: null,
          marks: [],
        };
  }

  /** Plain-JSON copy of the whole state. */
  toJSON(): AnomalyDetectorState {
    return {
      v: 2,
      ...structuredClone(this.s),
      thresholder: this.thresholder.toJSON(),
      baseline: this.baseline.toJSON(),
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
    const { mean, variance } = this.s;
    return features.map((v, i) =>
      standardScore(v, mean[i % m] as number, Math.sqrt(variance[i % m] as number)),
    );
  }

  /** Reports readings of `time` dead-lettered for values outside their range (`high`: above). */
  markOutOfRange(time: number, measures: readonly string[], high: readonly boolean[]): void {
    this.s.marks.push({ time, measures: [...measures], high: [...high] });
  }

  /**
   * The key has sent nothing up to `now` (epoch ms, e.g. the shard's watermark): when the
   * windows missing since its last one are already a dropout by its gap model, opens (or
   * extends) a dropout event over them, closing an open event of another kind first. The
   * key's next window closes it with the same start, so a table keyed by key + start keeps one row.
   * `held`: windows of the key an upstream stage may still hold (a resampler keeps a key's
   * newest window until the next one): the missing windows start after them.
   */
  silence(now: number, held = 0): AnomalyEvent[] {
    const d = this.gap.overdue(now, held);
    if (!d) return [];
    const open = this.events.current;
    if (open?.kind === 'dropout' && open.start === d.from) {
      return [this.events.extendSpan(d.to, d.missing, d.grade)];
    }
    return this.events.openSpan(d.from, d.to, d.missing, d.grade, 'dropout');
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
    const base = imputed ? null : this.baseline.update(time, values);
    const flat = this.flatLine.update(values, imputed);
    let grade = Math.max(graded.grade, base?.level ?? 0, base?.drift ?? 0);
    let kind: AnomalyKind | undefined;
    let explanation: Readonly<Record<string, ColumnExplanation>> | undefined;
    if (grade > 0) {
      const open = this.events.current;
      const z = base?.z ?? values.map(() => 0);
      if (!open || !this.s.onset) this.s.onset = onsetOf(z, base?.ewma ?? z);
      const windows = (open?.windows ?? 0) + 1;
      kind = departureKind(this.s.onset, windows, z, this.o.driftGrowth, this.o.spikeWindows);
      const baseGrade = Math.max(base?.level ?? 0, base?.drift ?? 0);
      explanation =
        attribution && graded.grade >= baseGrade
          ? kdaExplanation(score, attribution, this.measures).ANOMALY_EXPLANATION
          : weightExplanation(
              this.measures,
              z.map((x) => Math.abs(x)),
              (m) => (z[m] as number) >= 0,
            );
    }
    let from = range.from;
    if (flat.grade > 0) {
      grade = Math.max(grade, flat.grade);
      kind = 'stuck';
      // the sensor froze at the window before its first joint repeat
      from = time - flat.joint * this.o.stepMs;
      explanation = weightExplanation(
        this.measures,
        flat.runs.map((_, m) => (flat.resting[m] ? 0 : -this.flatLine.logRun(m, flat.joint))),
        (m) => (values[m] as number) >= (this.s.mean[m] as number),
      );
    }
    if (range.grade > 0) {
      grade = 1;
      kind = 'range';
      explanation = range.explanation;
      from = range.from;
    }
    // a window from before an open dropout (a held window let go late) is not evidence of it
    const open = this.events.current;
    const before = open?.kind === 'dropout' && time < open.start;
    const touched = before
      ? undefined
      : this.events.update({
          time,
          grade,
          score,
          threshold: graded.threshold,
          ...(from !== undefined ? { from } : {}),
          ...(kind ? { kind } : {}),
          ...(explanation ? { explanation } : {}),
        });
    if (touched) events.push(touched);
    if (!this.events.current) this.s.onset = null;
    if (!imputed && range.grade === 0) {
      this.learn(values);
      // the baseline learns only normal windows: a fault must not become the key's normal
      if (grade === 0 && !this.events.current) this.baseline.learn(time, values);
    }
    return {
      grade,
      scoreGrade: graded.grade,
      threshold: graded.threshold,
      ...(kind ? { kind } : {}),
      events,
    };
  }

  /** Learns a window's values into the feature scaling's running means and variances. */
  private learn(values: readonly number[]): void {
    const s = this.s;
    s.n += 1;
    const alpha = 1 / Math.min(s.n, this.o.horizon);
    values.forEach((v, m) => learnMoments(s.mean, s.variance, m, v, alpha));
  }
}
