/**
 * @module pipelines
 * The pipeline runtime (the ack join, per-shard chains, the sink stage, the worker) and the
 * two shipped pipeline specs, devices and households, built from the public operators.
 */
export * from './runtime/index.js';
export * from './devices/index.js';
export * from './households/index.js';
