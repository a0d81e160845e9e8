/**
 * @module lake/export
 * `shardflow export`: reads the raw archive and the results lake of a time range (by
 * reading time), turns each line into one typed, wide row, and writes one file per table
 * and day (`dt=YYYY-MM-DD`) as CSV or Parquet to S3 or a local folder. Rows are de-duplicated
 * by table, key and time (the archive is at-least-once) and sorted by key and time, so
 * exporting the same range twice gives the same files.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { listArchive, readArchiveObject } from '../adapters/index.js';
import { encodeRows } from './encode.js';
import {
  dayOf,
  LAKE_PREFIX,
  latestPrefix,
  partitionKey,
  rangePrefix,
  type ExportFormat,
  type ExportRange,
  wholeDays,
} from './layout.js';
import { rawRow, scoreRow, TABLES, type Cell, type PlacedRow, type TableName } from './tables.js';
import type { ExportTarget } from './target.js';

/** Progress of an export, after each archive object and each written file. */
export interface ExportProgress {
  readonly phase: 'listing' | 'reading' | 'writing';
  readonly done: number;
  readonly total: number;
  readonly rows: number;
}

/** Options of {@link exportLake}. */
export interface ExportOptions {
  readonly s3: S3Client;
  /** The lake bucket the archives are in. */
  readonly bucket: string;
  /** Delivery-stream prefixes of the two archives (`raw/`, `results/`). */
  readonly prefixes: { readonly raw: string; readonly results: string };
  readonly range: ExportRange;
  readonly format: ExportFormat;
  readonly target: ExportTarget;
  /**
   * Archive arrival window to list (objects are named by arrival hour, not reading time);
   * default `[range.from, range.to + 1 day)`, enough for readings that arrive late.
   */
  readonly arrival?: { readonly from: Date; readonly to: Date };
  readonly tables?: readonly TableName[];
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ExportProgress) => void;
}

/** What an export wrote and skipped. */
export interface ExportSummary {
  /** Object keys written, in order. */
  readonly files: readonly string[];
  readonly rows: Readonly<Record<TableName, number>>;
  /** Archive lines that are neither a reading nor a score line (not JSON, invalid). */
  readonly unusable: number;
  /** Rows dropped because the same key and time was archived more than once. */
  readonly duplicates: number;
  readonly aborted: boolean;
}

const DAY = 86_400_000;

/** Exports a range of the lake; see the module doc. */
export async function exportLake(options: ExportOptions): Promise<ExportSummary> {
  const { range, signal, onProgress } = options;
  const tables = options.tables ?? (['devices', 'households', 'scores'] as const);
  const arrival = options.arrival ?? {
    from: range.from,
    to: new Date(range.to.getTime() + DAY),
  };
  const sources = (['raw', 'results'] as const).filter((s) =>
    tables.some((t) => TABLES[t].source === s),
  );
  // table → day → "key|time" → cells (last one wins)
  const parts = new Map<TableName, Map<string, Map<string, readonly Cell[]>>>();
  let unusable = 0;
  let duplicates = 0;
  let rows = 0;
  let aborted = false;
  const keep = (row: PlacedRow | undefined): void => {
    if (!row) {
      unusable += 1;
      return;
    }
    if (!tables.includes(row.table)) return;
    if (row.time < range.from.getTime() || row.time >= range.to.getTime()) return;
    const days = parts.get(row.table) ?? new Map<string, Map<string, readonly Cell[]>>();
    parts.set(row.table, days);
    const day = dayOf(row.time);
    const byKey = days.get(day) ?? new Map<string, readonly Cell[]>();
    days.set(day, byKey);
    const id = `${String(row.table === 'scores' ? row.cells[2] : row.cells[1])}|${row.time}`;
    if (byKey.has(id)) duplicates += 1;
    else rows += 1;
    byKey.set(id, row.cells);
  };
  for (const source of sources) {
    onProgress?.({ phase: 'listing', done: 0, total: 0, rows });
    const listing = await listArchive(options.s3, {
      bucket: options.bucket,
      prefix: options.prefixes[source],
      from: arrival.from,
      to: arrival.to,
      ...(signal ? { signal } : {}),
    });
    if (listing.aborted) aborted = true;
    const place = source === 'raw' ? rawRow : scoreRow;
    let done = 0;
    for (const object of listing.objects) {
      if (signal?.aborted) {
        aborted = true;
        break;
      }
      const text = await readArchiveObject(options.s3, options.bucket, object.key);
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        let json: unknown;
        try {
          json = JSON.parse(line);
        } catch {
          unusable += 1;
          continue;
        }
        keep(place(json));
      }
      done += 1;
      onProgress?.({ phase: 'reading', done, total: listing.objects.length, rows });
    }
  }
  const files: string[] = [];
  const counts: Record<TableName, number> = { devices: 0, households: 0, scores: 0 };
  if (!aborted) {
    const bases = [rangePrefix(range.from, range.to)];
    if (range.days !== undefined) bases.push(latestPrefix(range.days));
    if (options.format === 'parquet' && wholeDays(range)) bases.push(LAKE_PREFIX);
    const jobs = [...parts].flatMap(([table, days]) =>
      [...days].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, byKey]) => ({ table, day, byKey })),
    );
    let done = 0;
    for (const { table, day, byKey } of jobs) {
      const sorted = [...byKey].sort(([a], [b]) => compareIds(a, b)).map(([, cells]) => cells);
      const body = encodeRows(options.format, TABLES[table], sorted);
      for (const base of bases) {
        const key = partitionKey(base, table, day, options.format);
        await options.target.write(key, body, contentType(options.format));
        files.push(key);
      }
      counts[table] += sorted.length;
      done += 1;
      onProgress?.({ phase: 'writing', done, total: jobs.length, rows });
    }
  }
  return { files, rows: counts, unusable, duplicates, aborted };
}

/** Orders `key|time` ids by key, then by numeric time. */
function compareIds(a: string, b: string): number {
  const i = a.lastIndexOf('|');
  const j = b.lastIndexOf('|');
  const ka = a.slice(0, i);
  const kb = b.slice(0, j);
  if (ka !== kb) return ka < kb ? -1 : 1;
  return Number(a.slice(i + 1)) - Number(b.slice(j + 1));
}

const contentType = (format: ExportFormat): string =>
  format === 'csv' ? 'text/csv' : 'application/vnd.apache.parquet';
