/**
 * @module models/rcf/explanation
 * The output shape of the retired Kinesis Data Analytics SQL function
 * `RANDOM_CUT_FOREST_WITH_EXPLANATION`: per input column a direction (HIGH/LOW), a
 * strength in [0, 1] and an attribution score, the attribution scores summing to the
 * anomaly score. Values are decimal strings, as that function's JSON carried them, so
 * existing consumers of `ANOMALY_EXPLANATION` parse them unchanged.
 * Invariant: Σ ATTRIBUTION_SCORE over columns = ANOMALY_SCORE (up to rounding).
 */
import type { DiVector } from './forest.js';

/** One column of an explanation. */
export interface ColumnExplanation {
  readonly DIRECTION: 'HIGH' | 'LOW';
  readonly STRENGTH: string;
  readonly ATTRIBUTION_SCORE: string;
}

/** The two output columns of RANDOM_CUT_FOREST_WITH_EXPLANATION. */
export interface KdaExplanation {
  readonly ANOMALY_SCORE: number;
  readonly ANOMALY_EXPLANATION: Record<string, ColumnExplanation>;
}

/** Per input column high/low attribution, summed over shingle positions. */
export function columnAttribution(
  attribution: DiVector,
  columns: number,
): { high: number[]; low: number[] } {
  const high = new Array<number>(columns).fill(0);
  const low = new Array<number>(columns).fill(0);
  attribution.high.forEach((v, i) => {
    high[i % columns] = (high[i % columns] as number) + v;
  });
  attribution.low.forEach((v, i) => {
    low[i % columns] = (low[i % columns] as number) + v;
  });
  return { high, low };
}

/**
 * Builds the KDA explanation for a score and its attribution, naming input columns by
 * `columns` (one name per input dimension; shingle positions are summed per column).
 */
export function kdaExplanation(
  score: number,
  attribution: DiVector,
  columns: readonly string[],
): KdaExplanation {
  const { high, low } = columnAttribution(attribution, columns.length);
  const out: Record<string, ColumnExplanation> = {};
  columns.forEach((name, k) => {
    const h = high[k] as number;
    const l = low[k] as number;
    const total = h + l;
    out[name] = {
      DIRECTION: h >= l ? 'HIGH' : 'LOW',
      STRENGTH: String(total > 0 ? round(Math.abs(h - l) / total) : 0),
      ATTRIBUTION_SCORE: String(round(total)),
    };
  });
  return { ANOMALY_SCORE: score, ANOMALY_EXPLANATION: out };
}

const round = (v: number): number => Math.round(v * 1e6) / 1e6;
