/**
 * @module models/rcf/score-histogram
 * The time-decayed histogram of a key's scores that the {@link Thresholder} reads its
 * quantiles from: 160 bins log-spaced over [1/256, 256] (scores beyond go to the end bins),
 * plain numbers in the thresholder's JSON state. Decay without touching every bin: each new
 * score weighs `growth` (= 1/(1 − 1/horizon)) times the one before, and all weights are
 * divided back when they pass 1e120. Quantile and CDF are linear inside a bin. Stored, a
 * histogram keeps only its non-empty range of bins (`lo` + trimmed bins).
 */
import { ConfigError } from '../../core/index.js';

/** The histogram part of a thresholder's state (plain JSON, mutated in place). */
export interface DecayedHistogram {
  /** Weight of the last score added (the next weighs `growth` times more: no decay of all bins). */
  weight: number;
  /** Sum of the bins. */
  total: number;
  /** Weighted count per bin, `BINS` of them. */
  bins: number[];
}

/** Number of bins. */
export const BINS = 160;
const LOG_MIN = Math.log(1 / 256);
const LOG_MAX = Math.log(256);
const BIN_WIDTH = (LOG_MAX - LOG_MIN) / BINS;
const RESCALE_AT = 1e120;

/** The bin of a score (> 0). */
export const binOf = (s: number): number =>
  Math.min(BINS - 1, Math.max(0, Math.floor((Math.log(s) - LOG_MIN) / BIN_WIDTH)));

/** The lowest score of bin `b` (`lowerEdge(BINS)`: the top of the last bin). */
export const lowerEdge = (b: number): number => Math.exp(LOG_MIN + b * BIN_WIDTH);

/** All bins of a stored histogram (`lo` + trimmed bins); ConfigError if they do not fit. */
export function expandBins(lo: number, bins: readonly number[]): number[] {
  if (!Number.isInteger(lo) || lo < 0 || lo + bins.length > BINS)
    throw new ConfigError('state', `bins ${lo}..${lo + bins.length} outside 0..${BINS}`);
  const out = new Array<number>(BINS).fill(0);
  bins.forEach((c, i) => (out[lo + i] = c));
  return out;
}

/** The non-empty range of `bins` to store: scores of a key sit in a few of the bins. */
export function trimBins(bins: readonly number[]): { bins: number[]; lo: number } {
  let lo = 0;
  let hi = bins.length;
  while (lo < hi && bins[lo] === 0) lo += 1;
  while (hi > lo && bins[hi - 1] === 0) hi -= 1;
  return { bins: bins.slice(lo, hi), lo };
}

/** Grows the weight by `growth`, then adds one score (its bin `b`) at that weight. */
export function addScore(h: DecayedHistogram, b: number, growth: number): void {
  h.weight *= growth;
  if (h.weight > RESCALE_AT) {
    for (let i = 0; i < BINS; i += 1) h.bins[i] = (h.bins[i] as number) / h.weight;
    h.total /= h.weight;
    h.weight = 1;
  }
  h.bins[b] = (h.bins[b] as number) + h.weight;
  h.total += h.weight;
}

/** Share of the history below `score` (linear inside a bin). */
export function cdf(h: DecayedHistogram, score: number): number {
  const b = binOf(score);
  let below = 0;
  for (let i = 0; i < b; i += 1) below += h.bins[i] as number;
  const lo = lowerEdge(b);
  const frac = Math.min(1, Math.max(0, (score - lo) / (lowerEdge(b + 1) - lo)));
  return (below + frac * (h.bins[b] as number)) / h.total;
}

/** The `q` quantile of the history (linear inside a bin); 0 while it is empty. */
export function quantile(h: DecayedHistogram, q: number): number {
  if (h.total <= 0) return 0;
  const want = q * h.total;
  let acc = 0;
  for (let b = 0; b < BINS; b += 1) {
    const c = h.bins[b] as number;
    if (acc + c >= want && c > 0) {
      const lo = lowerEdge(b);
      return lo + ((want - acc) / c) * (lowerEdge(b + 1) - lo);
    }
    acc += c;
  }
  return lowerEdge(BINS);
}
