/**
 * @module operators/flow
 * The `Flow` union every operator reads and writes (traced values and dead letters on one
 * stream) and the map-or-dead-letter operator.
 */
export { isDeadLetter, splitDeadLetters } from './flow.js';
export type { Flow } from './flow.js';
export { mapTraced } from './map-traced.js';
export type { MapTracedOptions } from './map-traced.js';
