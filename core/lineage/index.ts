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
export * from './traced.js';
export * from './dead-letter.js';
