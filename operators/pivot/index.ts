/**
 * @module operators/pivot
 * Long → wide rows (`pivot`) and prediction column names.
 */
export { parsePredictionName, predictionColumns, predictionName } from './rows.js';
export type { LongRow, WideRow } from './rows.js';
export { pivot } from './pivot.js';
export type { PivotOptions } from './pivot.js';
