/**
 * @module operators/pivot
 * Long ↔ wide rows and prediction column names.
 */
export * from './rows.js';
export * from './pivot.js';
export * from './unpivot.js';
