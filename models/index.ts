/**
 * @module models
 * Pure model algorithms: the streaming Random Cut Forest and the forecasters, with their
 * serialised forms. No RxJS, no I/O; the operators in `operators/scoring` call them.
 */
export * from './rcf/index.js';
export * from './forecast/index.js';
