/**
 * @module operators/normalize
 * Unit conversion, plausible ranges and Welford scaling.
 */
export { EMPTY_STATS, RunningStatsStore, stdDev, welford } from './running-stats.js';
export type { RunningStats, StatsSnapshot } from './running-stats.js';
export { units } from './units.js';
export { normalize } from './normalize.js';
export type { NormalizedReading, NormalizeOptions, ScaleMethod } from './normalize.js';
