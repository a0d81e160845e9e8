/**
 * @module operators
 * Pure RxJS operators and the algorithms behind them. Nothing here performs I/O.
 */
export type { Position, SourceRecord } from './source-record.js';
export * from './lineage/index.js';
export * from './schema/index.js';
export * from './codec/index.js';
export * from './rcf/index.js';
export * from './forecast/index.js';
export * from './normalize/index.js';
export * from './window/index.js';
export * from './pivot/index.js';
export * from './resample/index.js';
export * from './features/index.js';
// operators/inference/ is this folder's own sub-folder (pure operators), not the top-level
// inference/ model server that the no-restricted-imports rule is about.
export * from './inference/index.js';
export * from './scheduling/index.js';
