/**
 * @module operators/flow/keyed-operator
 * `keyedOperator`: the one scaffold of the keyed, traced operators (windows, resampling,
 * pivoting, shingles, look-backs, rolling means) — in the spirit of RxJS's `operate` and
 * `OperatorSubscriber`: the operator writes only what it does with one value of one key, and
 * the scaffold owns the rest, once:
 * - dead letters pass through untouched and in order;
 * - the per-key state map (a key's state is made by `init` the first time it is seen);
 * - the idle timeout (one {@link IdleTracker} per subscription, processing time on the
 *   injected scheduler) calling `idle` for a quiet key;
 * - completion (`complete` flushes, then the output completes), errors forwarded, and
 *   teardown (the source unsubscribed, the timer disposed);
 * - an exception thrown by the operator's code errors the output (as in RxJS's own
 *   operators) instead of escaping as an unhandled error.
 */
import {
  asyncScheduler,
  Observable,
  type OperatorFunction,
  type SchedulerLike,
  type Subscriber,
} from 'rxjs';
import { ConfigError, type Traced } from '../../core/index.js';
import { IdleTracker } from '../scheduling/idle-tracker.js';
import { isDeadLetter, type Flow } from './flow.js';

/** Options every keyed operator shares. */
export interface KeyedOperatorOptions<T> {
  /** The operator's name, used in the `ConfigError` field of a bad option (`<name>.idleTimeout`). */
  readonly name: string;
  /** The key of a value (e.g. `readingKey`). */
  readonly key: (value: T) => string;
  /** Call `idle` for a key after this many ms (scheduler time) without values for it. */
  readonly idleTimeout?: number | undefined;
  /** Scheduler of the idle timeout; default `asyncScheduler` (virtual under `TestScheduler`). */
  readonly scheduler?: SchedulerLike | undefined;
}

/**
 * What a keyed operator does, per subscription (made by the `setup` of {@link keyedOperator},
 * which receives `emit`). `S` is the state of one key.
 */
export interface KeyedLogic<T, S> {
  /** A key's state the first time the key is seen; omit for operators keeping no state per key. */
  readonly init?: (key: string) => S;
  /**
   * One traced value of `key`, with the key's state. Return `false` when the value does not
   * count as activity of its key (e.g. it was dead-lettered before reaching the state), so
   * the idle timeout is not re-armed for it.
   */
  readonly next: (element: Traced<T>, key: string, state: S) => boolean | void;
  /** The key has been quiet for `idleTimeout` (never called after completion or teardown). */
  readonly idle?: (key: string, state: S) => void;
  /** The source completed: flush what is held (states in first-seen order); then the output completes. */
  readonly complete?: (states: ReadonlyMap<string, S>) => void;
}

/**
 * Builds a keyed operator over a {@link Flow} from its per-key logic (see module doc).
 * `setup` runs once per subscription, so each subscription has its own state.
 *
 * @example
 * ```ts
 * // the running count of each key
 * const counts = <T>(key: (v: T) => string) =>
 *   keyedOperator<T, { key: string; n: number }, { n: number }>({ name: 'counts', key }, (emit) => ({
 *     init: () => ({ n: 0 }),
 *     next: (element, k, s) => emit({ value: { key: k, n: ++s.n }, positions: element.positions }),
 *   }));
 * ```
 */
export function keyedOperator<T, O, S = undefined>(
  options: KeyedOperatorOptions<T>,
  setup: (emit: (output: Flow<O>) => void) => KeyedLogic<T, S>,
): OperatorFunction<Flow<T>, Flow<O>> {
  const { name, key, idleTimeout, scheduler = asyncScheduler } = options;
  if (idleTimeout !== undefined && !(idleTimeout > 0)) {
    throw new ConfigError(`${name}.idleTimeout`, `expected a positive number, got ${idleTimeout}`);
  }
  return (source) =>
    new Observable<Flow<O>>((subscriber) => {
      const emit = (output: Flow<O>): void => subscriber.next(output);
      const logic = setup(emit);
      const { init, next, idle: onIdle, complete } = logic;
      const states = new Map<string, S>();
      const fail = guard(subscriber);
      const idle =
        idleTimeout === undefined || onIdle === undefined
          ? undefined
          : new IdleTracker(idleTimeout, scheduler, (k) => {
              const s = states.get(k);
              if (init !== undefined && s === undefined) return;
              fail(() => onIdle(k, s as S));
            });
      const subscription = source.subscribe({
        next(element) {
          if (isDeadLetter(element)) {
            subscriber.next(element);
            return;
          }
          try {
            const k = key(element.value);
            let s = states.get(k);
            if (s === undefined && init !== undefined) {
              s = init(k);
              states.set(k, s);
            }
            if (next(element, k, s as S) !== false) idle?.touch(k);
          } catch (error) {
            idle?.dispose();
            subscriber.error(error);
          }
        },
        error: (err: unknown) => {
          idle?.dispose();
          subscriber.error(err);
        },
        complete: () => {
          idle?.dispose();
          if (complete !== undefined && !fail(() => complete(states))) return;
          subscriber.complete();
        },
      });
      return () => {
        subscription.unsubscribe();
        idle?.dispose();
      };
    });
}

/** Runs operator code, sending what it throws to the output's error; says whether it ran through. */
function guard(subscriber: Subscriber<unknown>): (run: () => void) => boolean {
  return (run) => {
    try {
      run();
      return true;
    } catch (error) {
      subscriber.error(error);
      return false;
    }
  };
}
