/**
 * @module models/rcf/detector-evidence
 * The explanations and range evidence of {@link AnomalyDetector} windows, as pure functions:
 * a KDA-shaped explanation from per-measure weights and directions (level, trend, flat-line
 * evidence), and the range verdict of a window from its values and the out-of-range marks
 * of dead-lettered readings that are due.
 */
import type { ColumnExplanation } from './explanation.js';

/** An out-of-range mark: a dead-lettered reading of `time` with measures outside their range. */
export interface RangeMark {
  time: number;
  measures: string[];
  high: boolean[];
}

const round = (v: number): number => Math.round(v * 1e6) / 1e6;

/**
 * KDA explanation from weights: per measure with weight > 0, DIRECTION from `high`, STRENGTH
 * the weight's share, ATTRIBUTION_SCORE the weight.
 */
export function weightExplanation(
  measures: readonly string[],
  weights: readonly number[],
  high: (m: number) => boolean,
): Record<string, ColumnExplanation> {
  const total = weights.reduce((a, w) => a + Math.max(0, w), 0) || 1;
  const out: Record<string, ColumnExplanation> = {};
  weights.forEach((w, m) => {
    if (!(w > 0)) return;
    out[measures[m] as string] = {
      DIRECTION: high(m) ? 'HIGH' : 'LOW',
      STRENGTH: String(round(w / total)),
      ATTRIBUTION_SCORE: String(round(w)),
    };
  });
  return out;
}

/**
 * The range verdict of the window at `time`: its values outside `ranges` and the marks due
 * (readings before the window's end). `pending` are the marks still to come; `markTimes` the
 * windows of the due marks before this one (as readings for the gap detector); `from` the
 * earliest of them (where a range event starts).
 */
export function rangeEvidence(
  marks: readonly RangeMark[],
  time: number,
  stepMs: number,
  measures: readonly string[],
  values: readonly number[],
  ranges: Readonly<Record<string, readonly [number, number]>>,
): {
  grade: number;
  explanation: Record<string, ColumnExplanation>;
  pending: RangeMark[];
  markTimes: number[];
  from: number | undefined;
} {
  const out: Record<string, ColumnExplanation> = {};
  const add = (measure: string, high: boolean) => {
    out[measure] = { DIRECTION: high ? 'HIGH' : 'LOW', STRENGTH: '1', ATTRIBUTION_SCORE: '1' };
  };
  const due = marks.filter((mk) => mk.time < time + stepMs);
  for (const mk of due) mk.measures.forEach((m, i) => add(m, mk.high[i] === true));
  values.forEach((v, i) => {
    const name = measures[i] as string;
    const r = ranges[name];
    if (r && !(v >= r[0] && v <= r[1])) add(name, v > r[1]);
  });
  const markTimes = [...new Set(due.map((mk) => mk.time - (mk.time % stepMs)))]
    .filter((t) => t < time)
    .sort((a, b) => a - b);
  return {
    grade: Object.keys(out).length > 0 ? 1 : 0,
    explanation: out,
    pending: marks.filter((mk) => mk.time >= time + stepMs),
    markTimes,
    from: markTimes[0],
  };
}
