/**
 * @module models/rcf
 * Streaming Random Cut Forest (pure): the forest, its codec, the thresholder that turns
 * scores into grades, and the Kinesis Data Analytics explanation shape.
 */
export { RandomCutForest, resolveForestOptions } from './forest.js';
export type { RandomCutForestOptions, ResolvedForestOptions, DiVector } from './forest.js';
export { serializeForest, restoreForest } from './codec.js';
export type { SerializedForest } from './codec.js';
export { Thresholder } from './thresholder.js';
export type { ThresholderOptions, ThresholderState, Graded } from './thresholder.js';
export { kdaExplanation, columnAttribution } from './explanation.js';
export type { KdaExplanation, ColumnExplanation } from './explanation.js';
export { sfc32, seedState } from './prng.js';
export type { Prng, PrngFactory } from './prng.js';
