/**
 * @module pipelines/runtime/lookback
 * `lookback`: gives each resampled grid point of a key the values of its last `retain`
 * points (its own included) — the input of the shingled anomaly model and of the 60-minute
 * forecaster — and makes the ack join respect that state. Each point's positions become a
 * {@link Claim}; the point's item holds the claims of every point in its look-back, and a
 * claim is closed when it leaves the look-back (or the key's segment ends at a long gap).
 * Invariant: the positions of a window are acknowledged only after every result computed
 * from it is durable, so a replay after failover rebuilds the full model input of every
 * result that was not yet durable (the checkpoint trails each key by `retain` windows).
 * A key that stays quiet for `releaseAfterMs` (processing time) has its claims closed while
 * its values are kept: otherwise silent keys would hold their last `retain` windows unacked
 * forever and, in numbers, stall their shard at the consumer's unacked bound. The price: after
 * a failover, such a key's next results start from a shorter history.
 */
import { Observable, asyncScheduler, type OperatorFunction, type SchedulerLike } from 'rxjs';
import { ConfigError } from '../../core/index.js';
import {
  IdleTracker,
  isDeadLetter,
  type Flow,
  type ResampledPoint,
} from '../../operators/index.js';
import { Claim, type AckLedger } from './ack-ledger.js';

/** A grid point with its look-back. */
export interface Looked {
  readonly point: ResampledPoint;
  /** Values of the last points of this key and segment, oldest first, ending with this one. */
  readonly history: readonly Readonly<Record<string, number>>[];
  /** Claims this point's result holds (already registered with the ledger). */
  readonly holds: readonly Claim[];
}

/** Options of {@link lookback}. */
export interface LookbackOptions {
  readonly ledger: AckLedger;
  /** Points kept per key (≥ 1): the longest model input, e.g. 60 for a 60-minute forecaster. */
  readonly retain: number;
  /** Close a quiet key's claims after this long without a point (scheduler time); default 10 min. */
  readonly releaseAfterMs?: number;
  /** Scheduler of the quiet-key release; default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

interface Entry {
  /** Undefined once released for quiet (its positions are acknowledged). */
  claim: Claim | undefined;
  readonly values: Readonly<Record<string, number>>;
}

/**
 * Attaches look-backs and claims to grid points (see module doc); dead letters pass through.
 *
 * @example `points$.pipe(lookback({ ledger, retain: 60 }))`
 */
export function lookback(
  options: LookbackOptions,
): OperatorFunction<Flow<ResampledPoint>, Flow<Looked>> {
  const { ledger, retain, releaseAfterMs = 600_000, scheduler = asyncScheduler } = options;
  if (!Number.isSafeInteger(retain) || retain < 1)
    throw new ConfigError('lookback.retain', `expected a positive integer, got ${retain}`);
  return (source) =>
    new Observable<Flow<Looked>>((subscriber) => {
      const keys = new Map<string, { segment: number; entries: Entry[] }>();
      const claimsOf = (entries: readonly Entry[]): Claim[] =>
        entries.flatMap((e) => (e.claim ? [e.claim] : []));
      const idle = new IdleTracker(releaseAfterMs, scheduler, (key) => {
        const state = keys.get(key);
        if (!state) return;
        ledger.close(claimsOf(state.entries));
        for (const e of state.entries) e.claim = undefined;
      });
      const subscription = source.subscribe({
        next(element) {
          if (isDeadLetter(element)) return subscriber.next(element);
          const point = element.value;
          let state = keys.get(point.key);
          if (!state || state.segment !== point.segment) {
            if (state) ledger.close(claimsOf(state.entries));
            state = { segment: point.segment, entries: [] };
            keys.set(point.key, state);
          }
          const claim = new Claim(element.positions);
          state.entries.push({ claim, values: point.values });
          const dropped = state.entries.length > retain ? state.entries.shift() : undefined;
          const holds = claimsOf(state.entries);
          ledger.hold(holds);
          if (dropped?.claim) ledger.close([dropped.claim]);
          idle.touch(point.key);
          subscriber.next({
            value: { point, history: state.entries.map((e) => e.values), holds },
            positions: element.positions,
          });
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          idle.dispose();
          for (const state of keys.values()) ledger.close(claimsOf(state.entries));
          subscriber.complete();
        },
      });
      return () => {
        idle.dispose();
        subscription.unsubscribe();
      };
    });
}
