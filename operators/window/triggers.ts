/**
 * @module operators/window/triggers
 * Triggers (Flink vocabulary) decide when a window fires. Every window fires when the
 * watermark passes its end (the event-time trigger, always on), when its key goes idle, and
 * at the end of the stream; a {@link WindowTrigger} may fire it earlier, per element.
 * Firing always purges: a window's positions are acknowledged once its result is durable,
 * so a fired window must never be extended afterwards (it would be acked incomplete).
 */
import { ConfigError } from '../../core/index.js';

/** What a trigger may observe of a window. */
export interface WindowView {
  readonly key: string;
  readonly start: number;
  readonly end: number;
  /** Elements in the window, including the one just added. */
  readonly count: number;
}

/** The decision of a trigger. `fire` emits and purges the window. */
export type TriggerResult = 'continue' | 'fire';

/**
 * An early trigger, consulted after each element is added to a window.
 * @example `{ onElement: (w) => (w.count >= 100 ? 'fire' : 'continue') }`
 */
export interface WindowTrigger<T> {
  onElement(window: WindowView, element: T): TriggerResult;
}

/**
 * Fires a window as soon as it holds `n` elements (count windows use this implicitly).
 * @example `eventTimeWindow({ assigner: tumbling({ size: 60_000 }), trigger: countTrigger(500), ... })`
 */
export function countTrigger<T>(n: number): WindowTrigger<T> {
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new ConfigError('countTrigger.n', `must be a positive integer, got ${n}`);
  return { onElement: (w) => (w.count >= n ? 'fire' : 'continue') };
}
