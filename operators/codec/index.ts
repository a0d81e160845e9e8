/**
 * @module operators/codec
 * Bytes → JSON → typed readings.
 */
export { decode } from './decode.js';
export type { DecodeOptions } from './decode.js';
export { validate } from './validate.js';
export type { ValidateOptions } from './validate.js';
