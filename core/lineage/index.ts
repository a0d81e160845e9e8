/**
 * @module core/lineage
 * The contracts between consumer, operators and sinks: where a record came from
 * (`Position`, `SourceRecord`), exact position sets for acknowledgement, the `Traced`
 * envelope and dead letters.
 */
export type { Position, SourceRecord } from './source-record.js';
export {
  PositionSet,
  type OrdinalRange,
  type PositionRef,
  type PositionSetJson,
} from './position-set.js';
export { PositionSetBuilder } from './position-set-builder.js';
export { traced, tracedSource } from './traced.js';
export type { Traced } from './traced.js';
export { DEAD_LETTER_REASONS, deadLetter } from './dead-letter.js';
export type { DeadLetter, DeadLetterReason } from './dead-letter.js';
