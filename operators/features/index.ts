/**
 * @module operators/features
 * Per-key series features: shingles (lags), differences, rolling means.
 */
export * from './series.js';
export * from './shingle.js';
export * from './differences.js';
export * from './rolling-mean.js';
