/**
 * @module bench/forecast-monthly
 * The monthly (rest-of-the-month) section of `npm run bench:forecast`: the households
 * pipeline's long-horizon model (`fitSeasonalProfile`, hourly means) against the seasonal
 * naive baseline (same hour last week, the last week repeated beyond it), MAE per held-out
 * span and their ratio, on the hourly aggregate shipped in `data/household-hourly/`. Spans:
 * the daily refreshes of late December 2006 (each forecasts the rest of the month from the
 * history before it) and February 2007 forecast from all of December (a month ahead).
 * The public data holds only ~11 contiguous days plus two February days, so each span is
 * scored on the hours that have actual values.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  fitSeasonalProfile,
  hoursToMonthEnd,
  sameHourLastWeek,
  type HourlySeries,
} from '../models/index.js';

const HOUR = 3_600_000;
const FILE = 'household-hourly/hpc_hourly_2006-12_2007-02.csv.gz';

/** The text of a file of the data folder, gunzipped when its name ends in `.gz`. */
export function dataText(dataDir: string, file: string): string {
  const bytes = readFileSync(join(dataDir, file));
  return (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** The hourly CSV (`hour,minutes,global_active_power,…`) as one series with `NaN` gaps. */
export function readHourly(dataDir: string, column = 'global_active_power'): HourlySeries {
  const lines = dataText(dataDir, FILE).trim().split('\n');
  const header = (lines[0] ?? '').split(',');
  const col = header.indexOf(column);
  if (col < 0) throw new Error(`${FILE}: no column ${column}`);
  const rows = lines.slice(1).map((l) => l.split(','));
  const time = (r: string[]) => Date.parse(`${r[0] ?? ''}:00Z`);
  const start = time(rows[0] ?? []);
  const values = new Array<number>((time(rows.at(-1) ?? []) - start) / HOUR + 1).fill(Number.NaN);
  for (const r of rows) {
    const v = r[col];
    if (v) values[(time(r) - start) / HOUR] = Number(v);
  }
  return { start, values };
}

/** The series before `cutMs` (what a refresh at `cutMs` knows). */
const before = (s: HourlySeries, cutMs: number): HourlySeries => ({
  start: s.start,
  values: s.values.slice(0, Math.max(0, (cutMs - s.start) / HOUR)),
});

interface Row {
  span: string;
  history: number;
  hours: number;
  model: number;
  naive: number;
  energy: number;
  actualEnergy: number;
  naiveEnergy: number;
}

/** Forecasts the rest of the month from `fromMs` with `history`; scores the hours with actuals. */
function score(series: HourlySeries, history: HourlySeries, fromMs: number, span: string): Row {
  const hours = hoursToMonthEnd(fromMs);
  const model = fitSeasonalProfile(history, { floor: 0 }).range(fromMs, hours);
  const naive = sameHourLastWeek(history, fromMs, hours);
  const first = (fromMs - series.start) / HOUR;
  const row: Row = {
    span,
    history: history.values.filter(Number.isFinite).length,
    hours: 0,
    model: 0,
    naive: 0,
    energy: 0,
    actualEnergy: 0,
    naiveEnergy: 0,
  };
  for (let i = 0; i < hours; i += 1) {
    const actual = series.values[first + i];
    const m = model[i] as number;
    const b = naive[i] as number;
    if (actual === undefined || !Number.isFinite(actual) || !Number.isFinite(b)) continue;
    row.hours += 1;
    row.model += Math.abs(m - actual);
    row.naive += Math.abs(b - actual);
    row.energy += m;
    row.naiveEnergy += b;
    row.actualEnergy += actual;
  }
  row.model /= Math.max(1, row.hours);
  row.naive /= Math.max(1, row.hours);
  return row;
}

/** Prints the monthly section (see module doc). */
export function monthlyForecastSection(dataDir: string): void {
  const series = readHourly(dataDir);
  const rows: Row[] = [];
  for (const day of [24, 25, 26, 27]) {
    const cut = Date.UTC(2006, 11, day);
    rows.push(score(series, before(series, cut), cut, `Dec ${day}–31 (refresh of ${day} Dec)`));
  }
  const feb = Date.UTC(2007, 1, 1);
  rows.push(score(series, before(series, Date.UTC(2006, 11, 28)), feb, 'Feb 2007 from all of Dec'));
  console.log(
    '\nhousehold-power, rest of the month: hourly mean globalActivePower (kW), seasonal profile ' +
      '(level + hour-of-day + day-of-week + shrunk weekday×hour cells) vs seasonal naive (same hour last week); ' +
      'scored on the held-out hours with actual values',
  );
  const header = [
    'held-out span',
    'history h',
    'scored h',
    'MAE profile',
    'MAE naive',
    '÷ naive',
    'energy error profile',
    'energy error naive',
  ];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  const pct = (f: number, a: number) => `${(((f - a) / a) * 100).toFixed(1)} %`;
  for (const r of rows)
    console.log(
      `| ${[
        r.span,
        r.history,
        r.hours,
        r.model.toFixed(3),
        r.naive.toFixed(3),
        (r.model / r.naive).toFixed(3),
        pct(r.energy, r.actualEnergy),
        pct(r.naiveEnergy, r.actualEnergy),
      ].join(' | ')} |`,
    );
  const sum = (f: (r: Row) => number) => rows.reduce((s, r) => s + f(r) * r.hours, 0);
  console.log(
    `| all spans (hour-weighted) | | ${sum(() => 1)} | ${(sum((r) => r.model) / sum(() => 1)).toFixed(3)} | ${(sum((r) => r.naive) / sum(() => 1)).toFixed(3)} | ${(sum((r) => r.model) / sum((r) => r.naive)).toFixed(3)} | | |`,
  );
}
