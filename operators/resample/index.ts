/**
 * @module operators/resample
 * Regular grids and gap imputation.
 */
export * from './resample.js';
