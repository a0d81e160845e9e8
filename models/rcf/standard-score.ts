/**
 * @module models/rcf/standard-score
 * The standard score of a reading as the anomaly detector and the baseline take it: the
 * residual against a centre in units of a typical size, that size floored at a thousandth
 * of the centre (a near-constant measure must not turn noise into huge scores) and the
 * score capped at ±10⁴. Also the running per-measure mean and variance it is taken
 * against: exponentially weighted, weight `alpha` = 1/min(n, horizon) (a plain mean
 * until the horizon, then a memory of that many readings).
 */

const FLAT = 1e-9;
const CAP = 1e4;

/** `(v − centre) / size`, the size floored at 1e-3·|centre| (and 1e-9), capped at ±10⁴. */
export function standardScore(v: number, centre: number, size: number): number {
  const floor = Math.max(1e-3 * Math.abs(centre), FLAT);
  return Math.max(-CAP, Math.min(CAP, (v - centre) / Math.max(size, floor)));
}

/** One exponentially weighted step of measure `m`'s running mean and variance with `v`. */
export function learnMoments(
  mean: number[],
  variance: number[],
  m: number,
  v: number,
  alpha: number,
): void {
  const d = v - (mean[m] as number);
  mean[m] = (mean[m] as number) + alpha * d;
  variance[m] = (1 - alpha) * ((variance[m] as number) + alpha * d * d);
}
