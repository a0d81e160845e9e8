/**
 * @module operators/window/window
 * `eventTimeWindow` (named apart from RxJS's own `window`): keyed event-time windows with a
 * watermark, lateness and an idle timeout, as an
 * RxJS operator over a {@link Flow}. Time comes from the elements (event time) and from the
 * injected scheduler (processing time, only for the idle timeout) — never from `Date.now()`.
 *
 * Lineage: each result carries the union of its members' positions; a late element becomes
 * a `late` dead letter with its own; an element in several sliding windows is in each.
 */
import { asyncScheduler, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { ConfigError, deadLetter, futureTimeProblem } from '../../core/index.js';
import type { Flow } from '../flow/flow.js';
import { keyedOperator } from '../flow/keyed-operator.js';
import type { Aggregator } from './aggregations.js';
import type { WindowAssigner } from './assigners.js';
import type { WindowTrigger } from './triggers.js';
import { WindowEngine, type WindowResult } from './window-engine.js';

/** Options of {@link eventTimeWindow}. */
export interface WindowOptions<T, A, R> {
  /** Which windows an element belongs to: `tumbling`, `sliding`, `session` or `countWindow`. */
  readonly assigner: WindowAssigner;
  /** The series key, e.g. `readingKey`. */
  readonly key: (element: T) => string;
  /** Event time in epoch ms, e.g. `readingTime`. */
  readonly time: (element: T) => number;
  /** The aggregation (`mean`, `perMeasure`, `combine`, `reduce`, …). Sessions need `merge`. */
  readonly aggregate: Aggregator<T, A, R>;
  /** How far (ms) event time may go backwards and still be accepted. Default 0. */
  readonly allowedLateness?: number;
  /** An early trigger; the event-time trigger (watermark passes end) always applies. */
  readonly trigger?: WindowTrigger<T>;
  /** Fire a key's open windows after this many ms (scheduler time) without elements for it. */
  readonly idleTimeout?: number;
  /**
   * Bound on event time (ms): an element dated more than this ahead of the scheduler's clock
   * (`scheduler.now()`, the processing time) becomes a `future-timestamp` dead letter and
   * never reaches the watermark, so no key can push the watermark past clock + skew − lateness.
   * Default: unbounded (pipelines pass `DEFAULT_MAX_FUTURE_SKEW_MS`).
   */
  readonly maxFutureSkew?: number;
  /** Scheduler for the idle timeout and the future bound. Default `asyncScheduler` (virtualized by `TestScheduler.run`). */
  readonly scheduler?: SchedulerLike;
}

/**
 * Groups elements into keyed event-time windows and emits one aggregated
 * {@link WindowResult} per window when it fires:
 * - **watermark** = max event time seen (across all keys) − `allowedLateness`; a time window
 *   fires once the watermark reaches its end, so out-of-order elements within the lateness
 *   still count, and one busy key moves every key's windows forward;
 * - **late**: an element whose windows have all fired becomes a `late` dead letter;
 * - **future** (with `maxFutureSkew`): an element dated beyond the skew ahead of the
 *   scheduler's clock becomes a `future-timestamp` dead letter — the watermark is bounded;
 * - **idle**: with `idleTimeout`, a key quiet for that long fires its open windows, and later
 *   elements for those windows are late (the result was already emitted and may be acked);
 * - **complete**: when the source completes every open window fires, then the output completes.
 *
 * @example
 * ```ts
 * readings$.pipe(
 *   eventTimeWindow({
 *     assigner: tumbling({ size: 60_000 }),
 *     key: readingKey,
 *     time: readingTime,
 *     aggregate: perMeasure(DEVICE_MEASURES, 'mean'),
 *     allowedLateness: 5_000,
 *     idleTimeout: 120_000,
 *   }),
 * ); // Flow<WindowResult<Record<string, number | null>>>
 * ```
 */
export function eventTimeWindow<T, A, R>(
  options: WindowOptions<T, A, R>,
): OperatorFunction<Flow<T>, Flow<WindowResult<R>>> {
  const {
    assigner,
    key,
    time,
    aggregate,
    allowedLateness = 0,
    trigger,
    idleTimeout,
    maxFutureSkew,
    scheduler = asyncScheduler,
  } = options;
  if (!(allowedLateness >= 0) || !Number.isFinite(allowedLateness)) {
    throw new ConfigError(
      'eventTimeWindow.allowedLateness',
      `expected a non-negative number, got ${allowedLateness}`,
    );
  }
  if (maxFutureSkew !== undefined && !(maxFutureSkew >= 0)) {
    throw new ConfigError('eventTimeWindow.maxFutureSkew', `expected ≥ 0, got ${maxFutureSkew}`);
  }
  if (assigner.type === 'session' && aggregate.merge === undefined) {
    throw new ConfigError(
      'eventTimeWindow.aggregate',
      'session windows need an aggregator with merge()',
    );
  }
  return keyedOperator<T, WindowResult<R>>(
    { name: 'eventTimeWindow', key, idleTimeout, scheduler },
    (emit) => {
      // the engine keeps the keys' windows; the scaffold keeps no state per key
      const engine = new WindowEngine<T, A, R>({ assigner, aggregate, allowedLateness, trigger });
      const out: Flow<WindowResult<R>>[] = [];
      const drain = (): void => {
        for (let i = 0; i < out.length; i++) emit(out[i] as Flow<WindowResult<R>>);
        out.length = 0;
      };
      return {
        next(element, k) {
          const t = time(element.value);
          if (maxFutureSkew !== undefined) {
            const future = futureTimeProblem(t, scheduler.now(), maxFutureSkew);
            if (future !== undefined) {
              const detail = `${future}; key ${k}`;
              emit(deadLetter('future-timestamp', detail, element.value, element.positions));
              return false; // never reached the engine: not activity of the key
            }
          }
          engine.add(element.value, element.positions, k, t, out);
          drain();
        },
        idle(k) {
          engine.flushKey(k, out);
          drain();
        },
        complete() {
          engine.flushAll(out);
          drain();
        },
      };
    },
  );
}
