/**
 * @module pipelines
 * The pipeline runtime (shard runners on keyed state, the sink stage, the worker), the keyed
 * state (backend, snapshot format, S3 snapshot store) and the two shipped pipeline specs,
 * devices and households, built from the public operators.
 */
export * from './runtime/index.js';
export * from './state/index.js';
export * from './devices/index.js';
export * from './households/index.js';
