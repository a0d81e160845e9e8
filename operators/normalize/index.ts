/**
 * @module operators/normalize
 * Unit conversion, plausible ranges and Welford scaling.
 */
export * from './running-stats.js';
export * from './units.js';
export * from './normalize.js';
