/**
 * @module operators/pivot/rows
 * The long ("Timestream") and wide row shapes that `pivot` converts between,
 * and the prediction naming convention `<measure>~<minutes ahead>` (ARCHITECTURE.md).
 * `deviceId` is the series key column for both devices and households.
 */
import { ConfigError } from '../../core/index.js';

/**
 * One measure of one series at one time (epoch ms).
 * @example `{ time: 1795410000000, deviceId: 'B84C', measure_name: 'iaq', measure_value: 45.2 }`
 */
export interface LongRow {
  readonly time: number;
  readonly deviceId: string;
  readonly measure_name: string;
  readonly measure_value: number | null;
}

/**
 * All measures of one series at one time. `unknown` lists measure names `pivot` saw that are
 * not declared columns (their values are not in `values`).
 * @example `{ time: 0, deviceId: 'B84C', values: { iaq: 45.2, 'iaq~15': 47 }, unknown: [] }`
 */
export interface WideRow {
  readonly time: number;
  readonly deviceId: string;
  readonly values: Readonly<Record<string, number | null>>;
  readonly unknown?: readonly string[];
}

/**
 * The column name of a prediction `minutesAhead` minutes ahead of its row's time.
 * @example `predictionName('iaq', 15) // 'iaq~15'`
 */
export function predictionName(measure: string, minutesAhead: number): string {
  if (!Number.isSafeInteger(minutesAhead) || minutesAhead <= 0) {
    throw new ConfigError('minutesAhead', `must be a positive integer, got ${minutesAhead}`);
  }
  if (measure.length === 0 || measure.includes('~'))
    throw new ConfigError('measure', `invalid measure name ${JSON.stringify(measure)}`);
  return `${measure}~${minutesAhead}`;
}

/**
 * Splits a prediction column name; `undefined` for a plain measure name.
 * @example `parsePredictionName('iaq~15') // { measure: 'iaq', minutesAhead: 15 }`
 */
export function parsePredictionName(
  name: string,
): { measure: string; minutesAhead: number } | undefined {
  const m = /^([^~]+)~([1-9][0-9]*)$/.exec(name);
  return m === null ? undefined : { measure: m[1] as string, minutesAhead: Number(m[2]) };
}

/**
 * Every prediction column for the given measures and horizons, measure-major.
 * @example `predictionColumns(['iaq'], [5, 15]) // ['iaq~5', 'iaq~15']`
 */
export function predictionColumns(
  measures: readonly string[],
  horizons: readonly number[],
): string[] {
  return measures.flatMap((m) => horizons.map((h) => predictionName(m, h)));
}
