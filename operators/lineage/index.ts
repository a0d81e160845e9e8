/**
 * @module operators/lineage
 * Ack lineage: exact position sets, the `Traced` envelope, dead letters and the `Flow`
 * union every operator reads and writes.
 */
export {
  PositionSet,
  type OrdinalRange,
  type PositionRef,
  type PositionSetJson,
} from './position-set.js';
export { PositionSetBuilder } from './position-set-builder.js';
export * from './traced.js';
export * from './dead-letter.js';
export * from './flow.js';
export * from './map-traced.js';
