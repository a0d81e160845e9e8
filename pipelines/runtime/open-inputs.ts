/**
 * @module pipelines/runtime/open-inputs
 * The open part of a key's state — its open windows and the point resample still holds —
 * kept as the readings that went into them: a reading is *pending* from the moment it
 * enters the window stage until a grid point at or after its minute reaches the key's
 * look-back. Pending readings and each ring's newest point (a *seed*, which gives a fresh
 * resample the key's last grid point, so gaps are imputed and late readings recognised as
 * before) are replayed into the chain of the next session: the windows and the held point
 * are rebuilt exactly, nothing is emitted twice (the seed's point is already in the ring),
 * and the records behind them need not be re-read — the checkpoint passes them.
 */
import { tap, type MonoTypeOperatorFunction } from 'rxjs';
import { PositionSet, readingKey, readingTime, traced, type Reading } from '../../core/index.js';
import { isDeadLetter, type Flow, type ResampledPoint } from '../../operators/index.js';
import type { KeyedState } from '../state/index.js';
import type { Ring } from './lookback.js';

/** Options of {@link openInputs}. */
export interface OpenInputsOptions {
  readonly kind: Reading['kind'];
  /** Readings per key not yet in its look-back (keyed state). */
  readonly pending: KeyedState<Reading[]>;
  readonly rings: KeyedState<Ring>;
  /** Window size (grid step) in ms. */
  readonly step: number;
}

/** The pending-readings bookkeeping of one chain; see the module doc. */
export interface OpenInputs {
  /** Records readings entering the window stage as pending. */
  readonly track: MonoTypeOperatorFunction<Flow<Reading>>;
  /** A point reached the look-back: its key's readings up to its minute are consumed. */
  consumed(point: ResampledPoint): void;
  /**
   * What to replay into a fresh chain: a seed per restored ring, then the pending readings,
   * in event-time order. Clears the pending state (replaying re-tracks the readings).
   */
  replay(): Flow<Reading>[];
}

/** Builds the bookkeeping (see {@link OpenInputs}). */
export function openInputs(options: OpenInputsOptions): OpenInputs {
  const { kind, pending, rings, step } = options;
  const bucket = (t: number) => t - (((t % step) + step) % step);
  return {
    track: tap((element) => {
      if (isDeadLetter(element)) return;
      const reading = element.value;
      const key = readingKey(reading);
      const time = readingTime(reading);
      const ring = rings.get(key);
      if (!Number.isFinite(time) || (ring && bucket(time) <= ring.time)) return; // late anyway
      const list = pending.get(key);
      if (list) list.push(reading);
      else pending.set(key, [reading]);
    }),
    consumed(point) {
      const list = pending.get(point.key);
      if (!list) return;
      const rest = list.filter((r) => bucket(readingTime(r)) > point.time);
      if (rest.length === 0) pending.delete(point.key);
      else if (rest.length !== list.length) pending.set(point.key, rest);
    },
    replay() {
      const out: Reading[] = [];
      for (const [key, ring] of rings.entries()) {
        const values = ring.values.at(-1);
        if (values) out.push(seed(kind, key, ring.time, values));
      }
      for (const [key, list] of [...pending.entries()]) {
        out.push(...list);
        pending.delete(key);
      }
      out.sort((a, b) => readingTime(a) - readingTime(b));
      return out.map((r) => traced(r, PositionSet.empty));
    },
  };
}

/** A reading standing for a ring's newest grid point. */
function seed(
  kind: Reading['kind'],
  key: string,
  time: number,
  values: Readonly<Record<string, number>>,
): Reading {
  const ts = new Date(time).toISOString();
  const id = kind === 'device' ? { deviceId: key } : { householdId: key };
  return { kind, ...id, ts, readings: { ...values } } as unknown as Reading;
}
