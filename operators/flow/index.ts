/**
 * @module operators/flow
 * The `Flow` union every operator reads and writes (traced values and dead letters on one
 * stream), the map-or-dead-letter operator, the scaffold of keyed operators and the one batching rule.
 */
export { isDeadLetter, splitDeadLetters } from './flow.js';
export type { Flow } from './flow.js';
export { mapTraced } from './map-traced.js';
export type { MapTracedOptions } from './map-traced.js';
export { batchBy } from './batch-by.js';
export type { BatchByOptions } from './batch-by.js';
export { keyedOperator } from './keyed-operator.js';
export type { KeyedLogic, KeyedOperatorOptions } from './keyed-operator.js';
