/**
 * @module models/rcf
 * Streaming Random Cut Forest (pure): the forest, its codec, the calibrated thresholder that
 * turns scores into grades, the Kinesis Data Analytics explanation shape, and the per-key
 * anomaly detector combining the forest with a daily-profile baseline (level, drift),
 * flat-line, dropout and range checks into events.
 */
export { RandomCutForest, resolveForestOptions } from './forest.js';
export type { RandomCutForestOptions, ResolvedForestOptions, DiVector } from './forest.js';
export { serializeForest, restoreForest } from './codec.js';
export type { SerializedForest } from './codec.js';
export { Thresholder } from './thresholder.js';
export type { ThresholderOptions, ThresholderState, Graded } from './thresholder.js';
export { BaselineDetector } from './baseline.js';
export type { BaselineOptions, BaselineState, BaselineVerdict } from './baseline.js';
export { FlatLineDetector } from './flat-line.js';
export type { FlatLineOptions, FlatLineState, FlatLineVerdict } from './flat-line.js';
export { GapDetector } from './gap.js';
export type { GapOptions, GapState, Dropout } from './gap.js';
export { EventTracker, ANOMALY_KINDS, strongerKind } from './events.js';
export type {
  AnomalyEvent,
  AnomalyKind,
  WindowVerdict,
  EventTrackerState,
  EventTrackerOptions,
} from './events.js';
export { AnomalyDetector } from './detector.js';
export type {
  AnomalyDetectorOptions,
  AnomalyDetectorState,
  DetectorInput,
  Detection,
} from './detector.js';
export { kdaExplanation, columnAttribution } from './explanation.js';
export type { KdaExplanation, ColumnExplanation } from './explanation.js';
