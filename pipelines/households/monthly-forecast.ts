/**
 * @module pipelines/households/monthly-forecast
 * The households' long-horizon forecast: a stage after the chain's items that keeps, per
 * household, the hourly means of global active power of the last weeks (keyed state
 * `households.hourly`, snapshotted with the shard) and, at the first window of each
 * event-time (UTC) day, forecasts every hour from that day's start to the end of its month
 * with {@link fitSeasonalProfile}. The rows go to the predictions table on that window's
 * item (so they are durable before the shard checkpoints past it), as measure
 * `globalActivePowerMonth~60` (the hour's mean, kW) keyed by the hour: each daily refresh
 * overwrites the previous forecast of the same hours, `origin` is the refresh's day.
 * Invariant: at most one refresh per household per event-time day.
 */
import { map, type MonoTypeOperatorFunction } from 'rxjs';
import {
  fitSeasonalProfile,
  hoursToMonthEnd,
  type SeasonalProfileOptions,
} from '../../models/index.js';
import { predictionKey } from '../../sinks/index.js';
import type { ChainContext } from '../runtime/reading-chain.js';
import type { ResultItem, ResultRow } from '../runtime/result-item.js';

/** The predictions-table measure of the monthly forecast. */
export const MONTHLY_MEASURE = 'globalActivePowerMonth';
/** Its `~<minutes>` suffix: each row is the mean of one 60-minute hour. */
export const MONTHLY_MINUTES = 60;

/** Options of {@link monthlyForecast}; each has a default. */
export interface MonthlyForecastOptions {
  /** The pipeline whose score lines feed it; default `households`. */
  readonly pipeline?: string;
  /** The measure averaged per hour; default `globalActivePower`. */
  readonly measure?: string;
  /** Days of hourly means kept per household; default 28 (the model's weights halve every 14). */
  readonly retainDays?: number;
  /** Hours with a value needed before the first refresh; default 24. */
  readonly minHistoryHours?: number;
  /** Model options; default the floor 0 (power is never negative). */
  readonly model?: SeasonalProfileOptions;
}

/** Per-household state: closed hourly means from `start`, the open hour, the last refresh day. */
export interface HourlyState {
  start: number;
  values: (number | null)[];
  hour: number;
  sum: number;
  n: number;
  issued: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (t: number) => new Date(t).toISOString();
/** Hourly means and forecasts to the watt: plenty, and a smaller snapshot (~1.6 KB gzip a key). */
const round = (v: number) => Math.round(v * 1e3) / 1e3;

/** Closes the open hour into the hourly means (gaps as `null`), keeping `keep` hours. */
function closeHour(s: HourlyState, keep: number): void {
  if (s.values.length === 0) s.start = s.hour;
  const at = (s.hour - s.start) / HOUR;
  while (s.values.length < at) s.values.push(null);
  s.values[at] = s.n > 0 ? round(s.sum / s.n) : null;
  const extra = s.values.length - keep;
  if (extra > 0) {
    s.values.splice(0, extra);
    s.start += extra * HOUR;
  }
}

/**
 * The stage (see module doc), for {@link ReadingChainSpec.then}.
 * @example `{ ...householdSpec(), then: monthlyForecast({ minHistoryHours: 48 }) }`
 */
export function monthlyForecast(
  options: MonthlyForecastOptions = {},
): (context: ChainContext) => MonoTypeOperatorFunction<ResultItem> {
  const {
    pipeline = 'households',
    measure = 'globalActivePower',
    retainDays = 28,
    minHistoryHours = 24,
    model = { floor: 0 },
  } = options;
  const keep = retainDays * 24;
  return ({ state }) => {
    const hourly = state.register<HourlyState>(`${pipeline}.hourly`);
    const refresh = (key: string, s: HourlyState, day: number): ResultRow[] => {
      const values = s.values.map((v) => (v === null ? Number.NaN : v));
      if (values.filter(Number.isFinite).length < minHistoryHours) return [];
      s.issued = day;
      const from = day * DAY;
      const forecast = fitSeasonalProfile({ start: s.start, values }, model);
      return forecast.range(from, hoursToMonthEnd(from)).map((value, i) => ({
        key: predictionKey({
          deviceId: key,
          ts: from + i * HOUR,
          measure: MONTHLY_MEASURE,
          minutesAhead: MONTHLY_MINUTES,
        }),
        attributes: {
          pipeline,
          value: round(value),
          origin: iso(from),
          target: iso(from + i * HOUR),
          model: forecast.kind,
        },
      }));
    };
    return map((item) => {
      if (item.pipeline !== pipeline || item.outputs.scores.length === 0) return item;
      const rows: ResultRow[] = [];
      for (const line of item.outputs.scores) {
        const key = line.key;
        const time = Date.parse(String(line.windowStart));
        if (typeof key !== 'string' || !Number.isFinite(time)) continue;
        const value = (line.values as Readonly<Record<string, number>> | undefined)?.[measure];
        const hour = Math.floor(time / HOUR) * HOUR;
        let s = hourly.get(key);
        if (!s) {
          s = { start: hour, values: [], hour, sum: 0, n: 0, issued: -1 };
          hourly.set(key, s);
        }
        if (hour > s.hour) {
          closeHour(s, keep);
          Object.assign(s, { hour, sum: 0, n: 0 });
        }
        if (hour === s.hour && typeof value === 'number' && Number.isFinite(value)) {
          s.sum += value;
          s.n += 1;
        }
        const day = Math.floor(time / DAY);
        if (day > s.issued) rows.push(...refresh(key, s, day));
      }
      if (rows.length === 0) return item;
      const predictions = [...item.outputs.predictions, ...rows];
      return { ...item, outputs: { ...item.outputs, predictions } };
    });
  };
}
