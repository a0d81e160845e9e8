/**
 * @module operators
 * Pure RxJS operators: decode, validate, normalize, windows, pivot, resample, features and
 * the model-calling operators. Nothing here performs I/O.
 */
export * from './flow/index.js';
export * from './codec/index.js';
export * from './normalize/index.js';
export * from './window/index.js';
export * from './pivot/index.js';
export * from './resample/index.js';
export * from './features/index.js';
export * from './scoring/index.js';
export * from './scheduling/index.js';
