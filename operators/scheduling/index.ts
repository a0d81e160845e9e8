/**
 * @module operators/scheduling
 * Processing-time helpers on injected schedulers.
 */
export * from './idle-tracker.js';
