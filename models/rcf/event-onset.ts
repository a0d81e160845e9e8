/**
 * @module models/rcf/event-onset
 * The kind of a forest/baseline event, decided at its onset and revised while it is open:
 * `drift` when the departure came gradually (at the first window the drift average already
 * held half of the residual) or has grown to `driftGrowth`× its size at the onset (latched
 * for the rest of the event), else `spike` for at most `spikeWindows` windows and `shift`
 * after. The other kinds (`range`, `stuck`, `dropout`) come from their own evidence, in the
 * {@link AnomalyDetector}.
 */
import type { AnomalyKind } from './events.js';

/** The onset of an open forest/baseline event: the measure furthest off, its residual, how it came. */
export interface Onset {
  m: number;
  z: number;
  /** Gradual onset, or the departure grew since: a drift (kept for the rest of the event). */
  gradual: boolean;
}

/**
 * The onset of an event: the measure furthest from its baseline, and whether the departure
 * came gradually (its leaky average had already reached half of it: a drift).
 */
export function onsetOf(z: readonly number[], ewma: readonly number[]): Onset {
  let m = 0;
  z.forEach((x, i) => {
    if (Math.abs(x) > Math.abs(z[m] as number)) m = i;
  });
  const zm = z[m] as number;
  const em = ewma[m] as number;
  return {
    m,
    z: zm,
    gradual: Math.abs(zm) > 0 && em * zm > 0 && Math.abs(em) >= 0.5 * Math.abs(zm),
  };
}

/**
 * Kind of a forest/baseline event at its `windows`-th window with residuals `z`; latches
 * `onset.gradual` once the departure has grown `driftGrowth`× (at least 3 from the onset).
 */
export function departureKind(
  onset: Onset,
  windows: number,
  z: readonly number[],
  driftGrowth: number,
  spikeWindows: number,
): AnomalyKind {
  const now = (z[onset.m] as number) * Math.sign(onset.z || 1);
  if (now >= driftGrowth * Math.max(Math.abs(onset.z), 3)) onset.gradual = true;
  if (onset.gradual) return 'drift';
  return windows <= spikeWindows ? 'spike' : 'shift';
}
