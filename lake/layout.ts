/**
 * @module lake/layout
 * Where exports go, as Athena and the indoor-air project's users expect them: one folder
 * per table and one `dt=YYYY-MM-DD` partition per day under `export/<from>.<to>/` (a fixed
 * range) or `latest/<N>-days/` (the rolling last N days), and for Parquet the canonical
 * `lake/<table>/dt=…/` that the Athena tables read. Pure.
 */
import { ConfigError } from '../core/index.js';
import type { TableName } from './tables.js';

const DAY = 86_400_000;

/** `YYYY-MM-DD` (UTC) of an epoch-millisecond time. */
export function dayOf(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/** The export base prefix of a fixed range: `export/2026-11-01.2026-11-08/`. */
export function rangePrefix(from: Date, to: Date): string {
  return `export/${dayOf(from.getTime())}.${dayOf(to.getTime())}/`;
}

/** The rolling prefix of the last `days` days: `latest/7-days/`. */
export function latestPrefix(days: number): string {
  return `latest/${days}-days/`;
}

/**
 * The canonical, queryable copy of a table (`lake/<table>/dt=…/`): what the Athena tables
 * read. Written only for Parquet exports of whole days, so a partial day never replaces a
 * complete partition.
 */
export const LAKE_PREFIX = 'lake/';

/** Whether a range starts and ends at UTC midnight (its days are complete). */
export function wholeDays(range: { readonly from: Date; readonly to: Date }): boolean {
  return range.from.getTime() % DAY === 0 && range.to.getTime() % DAY === 0;
}

/** The object key of one table's day: `<base>devices/dt=2026-11-23/devices.parquet`. */
export function partitionKey(
  base: string,
  table: TableName,
  day: string,
  format: ExportFormat,
): string {
  return `${base}${table}/dt=${day}/${table}.${format}`;
}

/** Export file formats. */
export type ExportFormat = 'csv' | 'parquet';

/** A validated export range. */
export interface ExportRange {
  readonly from: Date;
  readonly to: Date;
  /** Set for `--days N`: the range is the last N whole days up to `now`'s day end. */
  readonly days?: number;
}

/**
 * The range of an export: `--from/--to` (ISO times, `from < to`), or `--days N` = the N days
 * ending with today (UTC) at `now`. Throws ConfigError naming the bad option.
 */
export function exportRange(
  options: { from?: string; to?: string; days?: number },
  now: number,
): ExportRange {
  if (options.days !== undefined) {
    if (!Number.isInteger(options.days) || options.days < 1 || options.days > 3660)
      throw new ConfigError('--days', 'must be an integer in [1, 3660]');
    const end = Math.floor(now / DAY) * DAY + DAY;
    return { from: new Date(end - options.days * DAY), to: new Date(end), days: options.days };
  }
  const from = options.from === undefined ? NaN : Date.parse(options.from);
  const to = options.to === undefined ? NaN : Date.parse(options.to);
  if (!Number.isFinite(from)) throw new ConfigError('--from', 'must be an ISO date or time');
  if (!Number.isFinite(to)) throw new ConfigError('--to', 'must be an ISO date or time');
  if (!(from < to)) throw new ConfigError('--to', 'must be after --from');
  if (to - from > 3660 * DAY) throw new ConfigError('--to', 'range must be at most 3660 days');
  return { from: new Date(from), to: new Date(to) };
}
