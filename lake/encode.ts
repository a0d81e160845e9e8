/**
 * @module lake/encode
 * Encodes a table's rows as CSV (RFC 4180, ISO times, a header row) or Parquet (typed
 * columns: TIMESTAMP_MILLIS, DOUBLE, UTF8; Snappy), both as bytes. Parquet comes from
 * hyparquet-writer: pure JavaScript, one dependency, maintained — see lake/README.md for
 * the comparison that chose it.
 */
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { ExportFormat } from './layout.js';
import type { Cell, TableDef } from './tables.js';

const quote = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);

/** CSV text of the rows (header first; missing values empty). */
export function toCsv(
  table: Pick<TableDef, 'columns'>,
  rows: readonly (readonly Cell[])[],
): string {
  const lines = [table.columns.map((c) => quote(c.name)).join(',')];
  for (const row of rows) {
    lines.push(
      table.columns
        .map((c, i) => {
          const v = row[i];
          if (v === null || v === undefined) return '';
          if (c.type === 'timestamp') return new Date(v as number).toISOString();
          return typeof v === 'string' ? quote(v) : String(v);
        })
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

const PARQUET_TYPE = { timestamp: 'TIMESTAMP', float: 'DOUBLE', string: 'STRING' } as const;

/** Parquet bytes of the rows, one typed column per table column. */
export function toParquet(
  table: Pick<TableDef, 'columns'>,
  rows: readonly (readonly Cell[])[],
): Uint8Array {
  const columnData = table.columns.map((c, i) => ({
    name: c.name,
    type: PARQUET_TYPE[c.type],
    data: rows.map((r) => {
      const v = r[i] ?? null;
      return c.type === 'timestamp' && v !== null ? new Date(v as number) : v;
    }),
  }));
  return new Uint8Array(parquetWriteBuffer({ columnData, createdBy: 'shardflow' }));
}

/** The bytes of the rows in `format`. */
export function encodeRows(
  format: ExportFormat,
  table: TableDef,
  rows: readonly (readonly Cell[])[],
): Uint8Array {
  return format === 'csv' ? Buffer.from(toCsv(table, rows), 'utf8') : toParquet(table, rows);
}
