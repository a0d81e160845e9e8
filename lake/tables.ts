/**
 * @module lake/tables
 * The exported tables and their typed columns: one row per reading, wide (one column per
 * measure), so that Athena, pandas or a spreadsheet read them without reshaping. Pure: a
 * line of the archive becomes a row of one table, or is counted as unusable.
 */
import {
  DEVICE_MEASURES,
  HOUSEHOLD_MEASURES,
  parseReading,
  readingKey,
  readingTime,
} from '../core/index.js';

/** The column types every export format can carry. */
export type ColumnType = 'timestamp' | 'float' | 'string';

/** One column of an exported table. */
export interface Column {
  readonly name: string;
  readonly type: ColumnType;
}

/** A value of a row: epoch milliseconds for timestamps, `null` for missing. */
export type Cell = number | string | null;

/** An exported table: its name (also its folder) and its columns, time first. */
export interface TableDef {
  readonly name: TableName;
  /** Which archive (delivery stream prefix) it is read from. */
  readonly source: 'raw' | 'results';
  readonly columns: readonly Column[];
}

/** The tables an export writes. */
export type TableName = 'devices' | 'households' | 'scores';

const floats = (names: readonly string[]): Column[] =>
  names.map((name) => ({ name, type: 'float' as const }));

/** Device readings: time, device id, the six indoor-air measures. */
export const DEVICES_TABLE: TableDef = {
  name: 'devices',
  source: 'raw',
  columns: [
    { name: 'time', type: 'timestamp' },
    { name: 'device', type: 'string' },
    ...floats(DEVICE_MEASURES),
  ],
};

/** Household readings: time, household id, the seven power measures. */
export const HOUSEHOLDS_TABLE: TableDef = {
  name: 'households',
  source: 'raw',
  columns: [
    { name: 'time', type: 'timestamp' },
    { name: 'household', type: 'string' },
    ...floats(HOUSEHOLD_MEASURES),
  ],
};

/** Per-window anomaly scores from the results lake, with the window's values. */
export const SCORES_TABLE: TableDef = {
  name: 'scores',
  source: 'results',
  columns: [
    { name: 'time', type: 'timestamp' },
    { name: 'pipeline', type: 'string' },
    { name: 'key', type: 'string' },
    { name: 'score', type: 'float' },
    { name: 'grade', type: 'float' },
    { name: 'threshold', type: 'float' },
    ...floats([...DEVICE_MEASURES, ...HOUSEHOLD_MEASURES]),
  ],
};

/** Every table, by name. */
export const TABLES: Readonly<Record<TableName, TableDef>> = {
  devices: DEVICES_TABLE,
  households: HOUSEHOLDS_TABLE,
  scores: SCORES_TABLE,
};

/** A row placed in its table, with its time for partitioning and filtering. */
export interface PlacedRow {
  readonly table: TableName;
  readonly time: number;
  readonly cells: readonly Cell[];
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** A raw-archive line (a wire reading) as a row, or `undefined` when it is not a valid reading. */
export function rawRow(line: unknown): PlacedRow | undefined {
  const parsed = parseReading(line);
  if (!parsed.ok) return undefined;
  const r = parsed.reading;
  const time = readingTime(r);
  const values = r.readings as Readonly<Record<string, number>>;
  const table = r.kind === 'device' ? DEVICES_TABLE : HOUSEHOLDS_TABLE;
  const cells: Cell[] = [time, readingKey(r)];
  for (const c of table.columns.slice(2)) cells.push(num(values[c.name]));
  return { table: table.name, time, cells };
}

/** A results-lake score line as a row, or `undefined` when it is not a score line. */
export function scoreRow(line: unknown): PlacedRow | undefined {
  if (typeof line !== 'object' || line === null) return undefined;
  const s = line as Record<string, unknown>;
  const time = typeof s.windowStart === 'string' ? Date.parse(s.windowStart) : NaN;
  if (!Number.isFinite(time) || typeof s.key !== 'string' || num(s.score) === null)
    return undefined;
  const values = (typeof s.values === 'object' && s.values !== null ? s.values : {}) as Record<
    string,
    unknown
  >;
  const cells: Cell[] = [
    time,
    typeof s.pipeline === 'string' ? s.pipeline : null,
    s.key,
    num(s.score),
    num(s.grade),
    num(s.threshold),
  ];
  for (const c of SCORES_TABLE.columns.slice(6)) cells.push(num(values[c.name]));
  return { table: 'scores', time, cells };
}
