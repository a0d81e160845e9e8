/**
 * @module operators/flow
 * The `Flow` union every operator reads and writes (traced values and dead letters on one
 * stream) and the map-or-dead-letter operator.
 */
export * from './flow.js';
export * from './map-traced.js';
