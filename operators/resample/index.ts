/**
 * @module operators/resample
 * Regular grids and gap imputation.
 */
export { resample } from './resample.js';
export type { FillMethod, ResampledPoint, ResampleOptions } from './resample.js';
