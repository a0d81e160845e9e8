/**
 * @module operators/scheduling
 * Processing-time helpers on injected schedulers.
 */
export { IdleTracker } from './idle-tracker.js';
