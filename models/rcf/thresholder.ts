/**
 * @module models/rcf/thresholder
 * Turns a stream of anomaly scores into an anomaly grade in [0, 1]: it keeps an
 * exponentially weighted mean and deviation of past scores, sets the threshold at
 * `max(absoluteFloor, mean + zFactor · deviation)`, and grades a score above it by how far
 * above it is (1 at `threshold + (threshold − mean)`). Invariant: grades are 0 until
 * `minScores` positive scores have been seen, and always within [0, 1].
 */
import { ConfigError } from '../../core/index.js';

/** Options of {@link Thresholder}. */
export interface ThresholderOptions {
  /** Deviations above the mean where grading starts; default 3 (as AWS's thresholded RCF). */
  readonly zFactor?: number;
  /** Scores at or below this are never anomalous; default 1.0 (a typical RCF score). */
  readonly absoluteFloor?: number;
  /** Scores to see before grading; default 20. */
  readonly minScores?: number;
  /** Effective memory of the running statistics, in scores; default 512. */
  readonly horizon?: number;
}

/** One graded score. */
export interface Graded {
  readonly score: number;
  /** Anomaly grade in [0, 1]; 0 means not anomalous. */
  readonly grade: number;
  /** The threshold the score was compared against. */
  readonly threshold: number;
}

/** Serializable state of a thresholder. */
export interface ThresholderState {
  count: number;
  mean: number;
  variance: number;
}

/** Running-statistics thresholder over RCF scores. */
export class Thresholder {
  private readonly zFactor: number;
  private readonly absoluteFloor: number;
  private readonly minScores: number;
  private readonly horizon: number;
  readonly state: ThresholderState;

  constructor(options: ThresholderOptions = {}, state?: ThresholderState) {
    const { zFactor = 3, absoluteFloor = 1.0, minScores = 20, horizon = 512 } = options;
    if (!(zFactor > 0)) throw new ConfigError('zFactor', 'must be > 0');
    if (!(absoluteFloor >= 0)) throw new ConfigError('absoluteFloor', 'must be ≥ 0');
    if (!Number.isInteger(minScores) || minScores < 1)
      throw new ConfigError('minScores', 'must be an integer ≥ 1');
    if (!Number.isInteger(horizon) || horizon < 2)
      throw new ConfigError('horizon', 'must be an integer ≥ 2');
    this.zFactor = zFactor;
    this.absoluteFloor = absoluteFloor;
    this.minScores = minScores;
    this.horizon = horizon;
    this.state = state ? { ...state } : { count: 0, mean: 0, variance: 0 };
  }

  /** The current threshold. */
  threshold(): number {
    const { mean, variance } = this.state;
    return Math.max(this.absoluteFloor, mean + this.zFactor * Math.sqrt(variance));
  }

  /** Grades `score` against the statistics so far, then adds it to them (scores ≤ 0 are ignored). */
  grade(score: number): Graded {
    const threshold = this.threshold();
    let grade = 0;
    if (this.state.count >= this.minScores && score > threshold) {
      const scale = Math.max(threshold - this.state.mean, 0.1 * threshold);
      grade = Math.min(1, (score - threshold) / scale);
    }
    if (score > 0) this.observe(score);
    return { score, grade, threshold };
  }

  private observe(score: number): void {
    const s = this.state;
    s.count += 1;
    const alpha = 1 / Math.min(s.count, this.horizon);
    const delta = score - s.mean;
    s.mean += alpha * delta;
    s.variance = (1 - alpha) * (s.variance + alpha * delta * delta);
  }
}
