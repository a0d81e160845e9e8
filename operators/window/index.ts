/**
 * @module operators/window
 * Event-time windows: assigners, triggers, aggregations and the `window` operator.
 */
export { countWindow, session, sliding, tumbling, windowStarts } from './assigners.js';
export type {
  CountAssigner,
  SessionAssigner,
  SlidingAssigner,
  TumblingAssigner,
  WindowAssigner,
} from './assigners.js';
export { countTrigger } from './triggers.js';
export type { TriggerResult, WindowTrigger, WindowView } from './triggers.js';
export { combine, count, last, max, mean, min, perMeasure, reduce, sum } from './aggregations.js';
export type { Aggregator, Extract } from './aggregations.js';
export {
  WindowEngine,
  type WindowResult,
  type FiredBy,
  type WindowEngineSettings,
} from './window-engine.js';
export { eventTimeWindow } from './window.js';
export type { WindowOptions } from './window.js';
