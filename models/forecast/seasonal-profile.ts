/**
 * @module models/forecast/seasonal-profile
 * The long-horizon (rest-of-the-month) forecaster of hourly means: an additive model
 * `level + hourOfDay(h) + dayOfWeek(d) + cell(d, h)` fitted by weighted backfitting, with
 * recency weights (a half-life in days) and shrinkage of each term towards zero by a prior
 * count, so a weekday×hour cell seen once moves the forecast only part of the way. A
 * second, short half-life level term follows the household's recent level. No trend: with a
 * few weeks of history a slope extrapolated over a month costs more than it gains.
 * Hours are read in UTC (the data's own clock); gaps are `NaN` and ignored.
 * Invariant: pure — the fit depends only on the series and options.
 */
import { ConfigError } from '../../core/index.js';

/** One value an hour from `start` (ms, a whole UTC hour); `NaN` marks a missing hour. */
export interface HourlySeries {
  readonly start: number;
  readonly values: readonly number[];
}

/** Options of {@link fitSeasonalProfile}; each has a default. */
export interface SeasonalProfileOptions {
  /** Half-life of the seasonal terms' recency weights, days; default 14. */
  readonly halfLifeDays?: number;
  /** Half-life of the recent-level term, days; default 3. */
  readonly levelHalfLifeDays?: number;
  /** Prior counts (in weighted hours) shrinking hour, day, cell and level terms; defaults 2, 12, 1.5, 24. */
  readonly priors?: { hour?: number; day?: number; cell?: number; level?: number };
  /** Lower bound of the forecast (0 for power); default none. */
  readonly floor?: number;
}

/** A fitted profile: its terms and the forecast for any hour. */
export interface SeasonalProfile {
  readonly kind: 'seasonal-profile';
  /** Overall weighted mean plus the recent-level offset. */
  readonly level: number;
  readonly hourOfDay: readonly number[];
  readonly dayOfWeek: readonly number[];
  /** 168 cells, index `day * 24 + hour` (day 0 = Sunday). */
  readonly cells: readonly number[];
  /** Finite hours the fit used. */
  readonly observations: number;
  /** The forecast of the hour starting at `hourMs`. */
  at(hourMs: number): number;
  /** Forecasts of `hours` consecutive hours from `fromMs` (a whole hour). */
  range(fromMs: number, hours: number): number[];
}

const HOUR = 3_600_000;

/** Hours from the hour of `fromMs` to the end of its UTC month (the rest of the month). */
export function hoursToMonthEnd(fromMs: number): number {
  const d = new Date(fromMs);
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return Math.max(0, Math.ceil((end - Math.floor(fromMs / HOUR) * HOUR) / HOUR));
}

/**
 * Fits the profile (see module doc) to an hourly series.
 * @throws ConfigError when the series has no finite value or an option is out of range
 * @example `fitSeasonalProfile({ start, values }).range(monthDayStart, hoursToMonthEnd(monthDayStart))`
 */
export function fitSeasonalProfile(
  series: HourlySeries,
  options: SeasonalProfileOptions = {},
): SeasonalProfile {
  const { halfLifeDays = 14, levelHalfLifeDays = 3, floor = -Infinity } = options;
  const k = { hour: 2, day: 12, cell: 1.5, level: 24, ...options.priors };
  for (const [name, v] of Object.entries({ halfLifeDays, levelHalfLifeDays, ...k }))
    if (!(v > 0)) throw new ConfigError(name, 'must be a positive number');
  if (series.start % HOUR !== 0) throw new ConfigError('start', 'must be a whole UTC hour');
  const n = series.values.length;
  const ys: number[] = [];
  const ws: number[] = [];
  const wl: number[] = [];
  const hs: number[] = [];
  const ds: number[] = [];
  for (let i = 0; i < n; i += 1) {
    const y = series.values[i] as number;
    if (!Number.isFinite(y)) continue;
    const t = series.start + i * HOUR;
    const age = (n - 1 - i) / 24;
    ys.push(y);
    ws.push(0.5 ** (age / halfLifeDays));
    wl.push(0.5 ** (age / levelHalfLifeDays));
    hs.push(new Date(t).getUTCHours());
    ds.push(new Date(t).getUTCDay());
  }
  if (ys.length === 0) throw new ConfigError('values', 'must hold at least one finite value');
  let wsum = 0;
  let mean = 0;
  ys.forEach((y, i) => {
    wsum += ws[i] as number;
    mean += (ws[i] as number) * y;
  });
  mean /= wsum;
  const hour = new Array<number>(24).fill(0);
  const day = new Array<number>(7).fill(0);
  const cell = new Array<number>(168).fill(0);
  const fitTerm = (term: number[], index: (i: number) => number, prior: number) => {
    const num = new Array<number>(term.length).fill(0);
    const den = new Array<number>(term.length).fill(prior);
    ys.forEach((y, i) => {
      const h = hs[i] as number;
      const d = ds[i] as number;
      const j = index(i);
      const others =
        mean +
        (hour[h] as number) +
        (day[d] as number) +
        (cell[d * 24 + h] as number) -
        (term[j] as number);
      num[j] = (num[j] as number) + (ws[i] as number) * (y - others);
      den[j] = (den[j] as number) + (ws[i] as number);
    });
    for (let j = 0; j < term.length; j += 1) term[j] = (num[j] as number) / (den[j] as number);
  };
  for (let iter = 0; iter < 4; iter += 1) {
    fitTerm(hour, (i) => hs[i] as number, k.hour);
    fitTerm(day, (i) => ds[i] as number, k.day);
    fitTerm(cell, (i) => (ds[i] as number) * 24 + (hs[i] as number), k.cell);
  }
  let lnum = 0;
  let lden = k.level;
  ys.forEach((y, i) => {
    const h = hs[i] as number;
    const d = ds[i] as number;
    const fit = mean + (hour[h] as number) + (day[d] as number) + (cell[d * 24 + h] as number);
    lnum += (wl[i] as number) * (y - fit);
    lden += wl[i] as number;
  });
  const level = mean + lnum / lden;
  const at = (hourMs: number) => {
    const date = new Date(Math.floor(hourMs / HOUR) * HOUR);
    const h = date.getUTCHours();
    const d = date.getUTCDay();
    const v = level + (hour[h] as number) + (day[d] as number) + (cell[d * 24 + h] as number);
    return Math.max(floor, v);
  };
  return {
    kind: 'seasonal-profile',
    level,
    hourOfDay: hour,
    dayOfWeek: day,
    cells: cell,
    observations: ys.length,
    at,
    range: (fromMs, hours) => Array.from({ length: hours }, (_, i) => at(fromMs + i * HOUR)),
  };
}

/**
 * Seasonal naive for hourly series: each hour's value one week earlier, repeating the last
 * observed week beyond a week ahead (the baseline of the monthly forecast). `NaN` where the
 * series has no value at that hour of the last weeks (up to four weeks back).
 */
export function sameHourLastWeek(series: HourlySeries, fromMs: number, hours: number): number[] {
  const week = 168;
  const end = series.values.length;
  const first = Math.round((fromMs - series.start) / HOUR);
  return Array.from({ length: hours }, (_, i) => {
    let j = first + i - week;
    while (j >= end) j -= week;
    for (let back = 0; back < 4; back += 1, j -= week) {
      const v = series.values[j];
      if (j >= 0 && v !== undefined && Number.isFinite(v)) return v;
    }
    return Number.NaN;
  });
}
