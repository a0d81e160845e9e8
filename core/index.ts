/**
 * @module core
 * Pure foundations every folder may use: the error hierarchy, the retry helper, the
 * validated configuration and the resource definitions. No I/O here.
 */
export * from './errors.js';
export * from './retry.js';
export { realClock, sleepOn, settle, VirtualClock } from './clock.js';
export type { Clock } from './clock.js';
export * from './config.js';
export * from './resources.js';
export * from './lineage/index.js';
export * from './schema/index.js';
