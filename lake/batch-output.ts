/**
 * @module lake/batch-output
 * Batch-transform output into the lake: the lines a SageMaker batch transform job writes
 * with `JoinSource=Input` and `OutputFilter=$['time','pipeline','key','SageMakerOutput']`
 * (or the local batch scoring's, in the same shape) become rows of the `scores_batch` table —
 * the stream scores' keys `time, pipeline, key` and the batch `score` — written as Parquet
 * per day at `lake/scores_batch/dt=YYYY-MM-DD/scores_batch.parquet`, beside `lake/scores/`,
 * where the Glue table `scores_batch` (deploy/lake.ts) reads them. Pure except
 * {@link writeBatchScores}, which writes through an {@link ExportTarget}.
 */
import { toCsv, toParquet } from './encode.js';
import { dayOf, LAKE_PREFIX, type ExportFormat } from './layout.js';
import type { Cell, Column } from './tables.js';
import type { ExportTarget } from './target.js';

/** The batch scores table (name and typed columns, time first). */
export const BATCH_SCORES_TABLE: { readonly name: 'scores_batch'; readonly columns: Column[] } = {
  name: 'scores_batch',
  columns: [
    { name: 'time', type: 'timestamp' },
    { name: 'pipeline', type: 'string' },
    { name: 'key', type: 'string' },
    { name: 'score', type: 'float' },
  ],
};

/** The object of one day: `<base>scores_batch/dt=2026-11-23/scores_batch.parquet`. */
export function batchScoresKey(day: string, base = LAKE_PREFIX, format: ExportFormat = 'parquet') {
  return `${base}scores_batch/dt=${day}/scores_batch.${format}`;
}

const scoreOf = (v: unknown): number | null => {
  const s = typeof v === 'object' && v !== null ? (v as { score?: unknown }).score : (v as unknown);
  return typeof s === 'number' && Number.isFinite(s) ? s : null;
};

/**
 * One output line as a row (`[time ms, pipeline, key, score]`), or `undefined` when it is not
 * a joined score line. Takes `SageMakerOutput` as the model's answer (`{"score": …}`) or a
 * top-level `score`.
 */
export function batchOutputRow(line: unknown): Cell[] | undefined {
  if (typeof line !== 'object' || line === null) return undefined;
  const o = line as Record<string, unknown>;
  const time = typeof o.time === 'string' ? Date.parse(o.time) : Number.NaN;
  const score = scoreOf('SageMakerOutput' in o ? o.SageMakerOutput : o);
  if (!Number.isFinite(time) || typeof o.pipeline !== 'string' || typeof o.key !== 'string')
    return undefined;
  if (score === null) return undefined;
  return [time, o.pipeline, o.key, score];
}

/** The rows of a transform output file (JSON lines); lines that are not score lines are counted. */
export function parseBatchOutput(text: string): { rows: Cell[][]; unusable: number } {
  const rows: Cell[][] = [];
  let unusable = 0;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    let row: Cell[] | undefined;
    try {
      row = batchOutputRow(JSON.parse(line));
    } catch {
      row = undefined;
    }
    if (row) rows.push(row);
    else unusable += 1;
  }
  return { rows, unusable };
}

/**
 * Writes rows as one object per day (sorted by time, pipeline, key; the last row of a
 * duplicated key wins) and returns the keys written. Re-running a day replaces its object.
 */
export async function writeBatchScores(
  target: ExportTarget,
  rows: readonly (readonly Cell[])[],
  options: { readonly base?: string; readonly format?: ExportFormat } = {},
): Promise<string[]> {
  const { base = LAKE_PREFIX, format = 'parquet' } = options;
  const byDay = new Map<string, Map<string, readonly Cell[]>>();
  for (const row of rows) {
    const [time, pipeline, key] = row;
    const day = dayOf(time as number);
    const rowsOfDay = byDay.get(day) ?? new Map<string, readonly Cell[]>();
    byDay.set(day, rowsOfDay);
    rowsOfDay.set(`${time as number}\u0000${String(pipeline)}\u0000${String(key)}`, row);
  }
  const written: string[] = [];
  for (const [day, unique] of [...byDay].sort(([a], [b]) => a.localeCompare(b))) {
    const sorted = [...unique.values()].sort(
      (a, b) =>
        (a[0] as number) - (b[0] as number) ||
        String(a[1]).localeCompare(String(b[1])) ||
        String(a[2]).localeCompare(String(b[2])),
    );
    const key = batchScoresKey(day, base, format);
    const body =
      format === 'parquet'
        ? toParquet(BATCH_SCORES_TABLE, sorted)
        : Buffer.from(toCsv(BATCH_SCORES_TABLE, sorted), 'utf8');
    await target.write(
      key,
      body,
      format === 'parquet' ? 'application/vnd.apache.parquet' : 'text/csv',
    );
    written.push(key);
  }
  return written;
}
