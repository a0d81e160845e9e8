/**
 * @module operators/features
 * Per-key series features: shingles (lags) and rolling means.
 */
export type { SeriesOptions, SeriesPoint } from './series.js';
export { shingle } from './shingle.js';
export type { Shingle, ShingleOptions } from './shingle.js';
export { rollingMean } from './rolling-mean.js';
export type { RollingMean, RollingMeanOptions } from './rolling-mean.js';
