/**
 * @module models/rcf/gap
 * Dropout detector, per key: a run of missing windows (no reading, or only an imputed one)
 * longer than the key's transmission gaps explain. It learns, over a decayed horizon, the
 * rate `r0` at which gaps start and the probability `q` that a missing window is followed
 * by another one (a geometric model of gap length), and reports a gap of `k` windows as a
 * dropout when `k ≥ minMissing` and r0 · q^(k−1) < `targetRate`. Event time does not pass
 * for a silent key, so a gap is judged twice: while it lasts, against a clock the caller
 * brings (`overdue(now)`, e.g. the shard's watermark), and when the key's next real window
 * arrives (`update`), which gives its final extent. Reported dropouts are not learned.
 * Invariant: state is plain JSON.
 */
import { ConfigError } from '../../core/index.js';

/** Options of {@link GapDetector}. */
export interface GapOptions {
  /** Window step, ms; default 60,000. */
  readonly stepMs?: number;
  /** Report gaps whose length is this improbable; default 1e-4. */
  readonly targetRate?: number;
  /** Shortest reported gap, in windows; default 5. */
  readonly minMissing?: number;
  /** Memory of the gap statistics, in windows; default 10,080. */
  readonly horizon?: number;
}

/** A reported dropout: the missing windows [from, to] (epoch ms, inclusive). */
export interface Dropout {
  readonly from: number;
  readonly to: number;
  readonly missing: number;
  readonly grade: number;
}

/** Plain-JSON state of a {@link GapDetector}. */
export interface GapState {
  lastTime: number | null;
  windows: number;
  gaps: number;
  missing: number;
}

/** Dropout detector (see module doc). */
export class GapDetector {
  private readonly stepMs: number;
  private readonly logTarget: number;
  private readonly minMissing: number;
  private readonly keep: number;
  private readonly s: GapState;

  constructor(options: GapOptions = {}, state?: GapState) {
    const { stepMs = 60_000, targetRate = 1e-4, minMissing = 5, horizon = 10_080 } = options;
    if (!(stepMs > 0)) throw new ConfigError('stepMs', 'must be > 0');
    if (!(targetRate > 0 && targetRate < 1))
      throw new ConfigError('targetRate', 'must be in (0, 1)');
    if (!Number.isInteger(minMissing) || minMissing < 1)
      throw new ConfigError('minMissing', 'must be an integer ≥ 1');
    if (!(horizon >= 2)) throw new ConfigError('horizon', 'must be ≥ 2');
    this.stepMs = stepMs;
    this.logTarget = Math.log(targetRate);
    this.minMissing = minMissing;
    this.keep = 1 - 1 / horizon;
    this.s = state ? { ...state } : { lastTime: null, windows: 0, gaps: 0, missing: 0 };
  }

  /** Plain-JSON copy of the state. */
  toJSON(): GapState {
    return { ...this.s };
  }

  /** Log-probability that a normal gap is at least `k` windows long. */
  logProbability(k: number): number {
    const { windows, gaps, missing } = this.s;
    const r0 = (gaps + 0.5) / (windows + 1);
    const q = (missing - gaps + 0.5) / (missing + 1);
    return Math.log(r0) + (k - 1) * Math.log(q);
  }

  /**
   * The dropout in progress at `now` (epoch ms; windows strictly between the key's last
   * window and `now` are missing, but for the first `held` ones, which an upstream stage may
   * still hold), if it is already one; does not learn.
   */
  overdue(now: number, held = 0): Dropout | undefined {
    const seen = this.s.lastTime;
    if (seen === null) return undefined;
    const last = seen + held * this.stepMs;
    const k = Math.round((now - last) / this.stepMs) - 1;
    const logP = k > 0 ? this.logProbability(k) : 0;
    if (k < this.minMissing || logP >= this.logTarget) return undefined;
    return {
      from: last + this.stepMs,
      to: now - this.stepMs,
      missing: k,
      grade: this.gradeOf(logP),
    };
  }

  private gradeOf(logP: number): number {
    return Math.min(1, 0.5 + (0.5 * (this.logTarget - logP)) / -this.logTarget);
  }

  /** Takes a window at `time`; imputed windows count as missing. Returns a dropout if one ended. */
  update(time: number, imputed = false): Dropout | undefined {
    const st = this.s;
    if (imputed) return undefined;
    const last = st.lastTime;
    st.lastTime = time;
    if (last === null || time <= last) return undefined;
    const k = Math.round((time - last) / this.stepMs) - 1;
    const logP = k > 0 ? this.logProbability(k) : 0;
    const fired = k >= this.minMissing && logP < this.logTarget;
    if (!fired) {
      const decay = this.keep ** (k + 1);
      st.windows = st.windows * decay + k + 1;
      st.gaps = st.gaps * decay + (k > 0 ? 1 : 0);
      st.missing = st.missing * decay + k;
      return undefined;
    }
    return {
      from: last + this.stepMs,
      to: time - this.stepMs,
      missing: k,
      grade: this.gradeOf(logP),
    };
  }
}
