/**
 * @module operators/pivot
 * Long ↔ wide rows and prediction column names.
 */
export {
  parsePredictionName,
  predictionColumns,
  predictionName,
  toWideRow,
  windowToWideRow,
} from './rows.js';
export type { LongRow, WideRow } from './rows.js';
export { pivot } from './pivot.js';
export type { PivotOptions } from './pivot.js';
export { unpivot } from './unpivot.js';
export type { UnpivotOptions } from './unpivot.js';
