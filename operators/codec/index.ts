/**
 * @module operators/codec
 * Bytes → JSON → typed readings.
 */
export * from './decode.js';
export * from './validate.js';
