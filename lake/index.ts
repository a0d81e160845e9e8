/**
 * @module lake
 * The lake side: exports of the raw archive and the results lake as typed, wide CSV or
 * Parquet files partitioned by day, laid out for Athena (see lake/README.md).
 */
export { exportLake } from './export.js';
export type { ExportOptions, ExportProgress, ExportSummary } from './export.js';
export {
  exportRange,
  rangePrefix,
  latestPrefix,
  partitionKey,
  dayOf,
  wholeDays,
  LAKE_PREFIX,
} from './layout.js';
export type { ExportFormat, ExportRange } from './layout.js';
export {
  TABLES,
  DEVICES_TABLE,
  HOUSEHOLDS_TABLE,
  SCORES_TABLE,
  rawRow,
  scoreRow,
} from './tables.js';
export type { Cell, Column, ColumnType, PlacedRow, TableDef, TableName } from './tables.js';
export { encodeRows, toCsv, toParquet } from './encode.js';
export {
  BATCH_SCORES_TABLE,
  batchOutputRow,
  batchScoresKey,
  parseBatchOutput,
  writeBatchScores,
} from './batch-output.js';
export { s3Target, dirTarget } from './target.js';
export type { ExportTarget } from './target.js';
