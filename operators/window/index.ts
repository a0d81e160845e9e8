/**
 * @module operators/window
 * Event-time windows: assigners, triggers, aggregations and the `window` operator.
 */
export * from './assigners.js';
export * from './triggers.js';
export * from './aggregations.js';
export {
  WindowEngine,
  type WindowResult,
  type FiredBy,
  type WindowEngineSettings,
} from './window-engine.js';
export * from './window.js';
