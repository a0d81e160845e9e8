/**
 * @module models/forecast/selector
 * Online forecaster selection per key and horizon. Forecasting is a full-information
 * problem — once the actual arrives, the error of EVERY candidate is known, not only of the
 * one used — so instead of a bandit (UCB1 learns from the chosen arm only) this is an
 * exponentially weighted average forecaster (Hedge) over discounted absolute errors: each
 * horizon mixes the candidates with weights `exp(-error / (temperature × persistence's
 * error))`. Persistence is always candidate 0 and is used alone until `warmup` actuals have
 * been scored, so the selected forecast is never worse than persistence for long; the
 * discount lets the mix follow regime changes. Two guards make the other candidates prove
 * themselves before they take a horizon from persistence: a margin their errors are
 * handicapped by (larger at short horizons), and a gate that gives no weight to a candidate
 * not better than persistence after it (optionally by `confidence` standard errors).
 * Defaults (discount 0.005, temperature 0.02, margin 0, shortMargin 0.1, no gate) rank
 * first on the training ranges of `npm run bench:forecast -- --tune` (rolling origin; worst
 * horizon first, then the mean; never the test range).
 * Pure: state in, state out, JSON-serialisable (it is keyed state).
 */
import { ConfigError } from '../../core/index.js';
import { lastValue } from './baselines.js';
import type { ForecastContext, Forecaster } from './forecaster.js';

/** Options of {@link ForecastSelector}. */
export interface SelectorOptions {
  /** Candidates besides persistence (which is always added first). Same sizes for all. */
  readonly candidates: readonly Forecaster[];
  /** Weight of the newest error in the discounted mean; default 0.005 (≈ 200 steps). */
  readonly discount?: number;
  /** Softness of the mix relative to persistence's error; default 0.02. */
  readonly temperature?: number;
  /** Scored actuals per horizon before the mix replaces persistence; default 60. */
  readonly warmup?: number;
  /**
   * Handicap of the other candidates against persistence: their discounted errors count
   * `1 + margin` times, so a candidate must be clearly better, not better by chance, to
   * take a horizon from persistence; default 0.
   */
  readonly margin?: number;
  /**
   * Extra handicap that shrinks with the step ahead: horizon `h` (1-based) uses
   * `margin + shortMargin / h`. One and two steps ahead persistence is hardest to beat and
   * a candidate's lead there is mostly luck, so short horizons demand more evidence while
   * long ones keep the gain; default 0.1 (one step ahead 10 % handicap, 15 steps ahead
   * 0.7 %).
   */
  readonly shortMargin?: number;
  /**
   * When true, a candidate whose handicapped error is not below persistence's gets no weight
   * at all (rather than a small one), so a horizon no candidate clearly wins is forecast by
   * persistence exactly; default false (the short-horizon margin does that job in the
   * training-only tuning).
   */
  readonly gate?: boolean;
  /**
   * With `gate`: how many standard errors of the discounted error difference a candidate
   * must be better than persistence by (a test, not luck over a short stretch); default 0.
   */
  readonly confidence?: number;
}

/** The per-key state of a selector (plain JSON). */
export interface SelectorState {
  /** Discounted mean absolute error, `[horizon][candidate]`. */
  readonly errors: number[][];
  /**
   * Discounted mean of the squared difference of each candidate's error from persistence's,
   * `[horizon][candidate]` (for the `confidence` test; absent in states of older versions).
   */
  readonly spread?: number[][];
  /** Actuals scored per horizon. */
  readonly scored: number[];
  /**
   * Recent forecasts: origin step and `[candidate][horizon]` values, newest last (values of
   * horizons already past are 0).
   */
  readonly pending: { readonly step: number; readonly values: number[][] }[];
}

/** A selected forecast: values per horizon and the leading candidate's kind per horizon. */
export interface SelectedForecast {
  readonly values: number[];
  readonly leaders: string[];
  /** Weight of the leader per horizon (1 while warming up). */
  readonly weights: number[];
}

/** Hedge over forecasters per horizon; see the module doc. */
export class ForecastSelector {
  readonly candidates: readonly Forecaster[];
  readonly inputLength: number;
  readonly horizon: number;
  private readonly discount: number;
  private readonly temperature: number;
  private readonly warmup: number;
  private readonly margin: number;
  private readonly shortMargin: number;
  private readonly gate: boolean;
  private readonly confidence: number;

  /** The settings in force (defaults filled in). */
  get settings(): Required<Omit<SelectorOptions, 'candidates'>> {
    const { discount, temperature, warmup, margin, shortMargin, gate, confidence } = this;
    return { discount, temperature, warmup, margin, shortMargin, gate, confidence };
  }

  constructor(options: SelectorOptions) {
    const first = options.candidates[0];
    const inputLength = first?.inputLength ?? 60;
    const horizon = first?.horizon ?? 15;
    this.candidates = [lastValue({ inputLength, horizon }), ...options.candidates];
    if (this.candidates.some((c) => c.inputLength !== inputLength || c.horizon !== horizon))
      throw new ConfigError('candidates', 'must share inputLength and horizon');
    this.inputLength = inputLength;
    this.horizon = horizon;
    this.discount = options.discount ?? 0.005;
    this.temperature = options.temperature ?? 0.02;
    this.warmup = options.warmup ?? 60;
    this.margin = options.margin ?? 0;
    this.shortMargin = options.shortMargin ?? 0.1;
    this.gate = options.gate ?? false;
    this.confidence = options.confidence ?? 0;
    if (!(this.confidence >= 0)) throw new ConfigError('confidence', 'must be ≥ 0');
    if (!(this.margin >= 0)) throw new ConfigError('margin', 'must be ≥ 0');
    if (!(this.shortMargin >= 0)) throw new ConfigError('shortMargin', 'must be ≥ 0');
    if (!(this.discount > 0 && this.discount <= 1))
      throw new ConfigError('discount', 'must be in (0, 1]');
    if (!(this.temperature > 0)) throw new ConfigError('temperature', 'must be > 0');
    if (!(Number.isInteger(this.warmup) && this.warmup >= 0))
      throw new ConfigError('warmup', 'must be an integer ≥ 0');
  }

  /** The state of a key never seen. */
  initialState(): SelectorState {
    const m = this.candidates.length;
    return {
      errors: Array.from({ length: this.horizon }, () => new Array<number>(m).fill(0)),
      spread: Array.from({ length: this.horizon }, () => new Array<number>(m).fill(0)),
      scored: new Array<number>(this.horizon).fill(0),
      pending: [],
    };
  }

  /**
   * One step of a key: `window` is its last `inputLength` values ending at integer `step`
   * (e.g. the minute index). Scores the earlier forecasts whose target is this step's value,
   * then forecasts the next `horizon` steps. Steps may skip (gaps): only forecasts made
   * exactly `h` steps ago are scored against this value. `context` (the key's other
   * measures) is passed to the candidates that read it.
   */
  step(
    state: SelectorState,
    step: number,
    window: readonly number[],
    context?: ForecastContext,
  ): { forecast: SelectedForecast; state: SelectorState } {
    const actual = window[window.length - 1] as number;
    const errors = state.errors.map((row) => [...row]);
    const scored = [...state.scored];
    const spread = errors.map((row, h) => row.map((_, m) => state.spread?.[h]?.[m] ?? 0));
    for (const p of state.pending) {
      const h = step - p.step - 1;
      if (h < 0 || h >= this.horizon) continue;
      const row = errors[h] as number[];
      const sq = spread[h] as number[];
      // the plain mean of the errors scored so far until 1/n falls below the discount, then
      // the discounted mean: a fixed-rate mean started at the first error would still give
      // that one error 74 % of the weight after the 60 of the warm-up (0.995^60)
      const rate = Math.max(this.discount, 1 / ((scored[h] as number) + 1));
      const e0 = Math.abs((p.values[0]?.[h] as number) - actual);
      const mix = (old: number, x: number) => old + rate * (x - old);
      p.values.forEach((v, m) => {
        const e = Math.abs((v[h] as number) - actual);
        row[m] = mix(row[m] as number, e);
        sq[m] = mix(sq[m] as number, (e - e0) ** 2);
      });
      scored[h] = (scored[h] as number) + 1;
    }
    const values = this.candidates.map((c) => c.predict([window], [context])[0] as number[]);
    // a kept forecast's horizons before its age can never be scored again: stored as 0
    // (one character of JSON instead of ~17), which halves the keyed state
    const pending = [
      ...state.pending
        .filter((p) => step - p.step < this.horizon)
        .map((p) => ({
          step: p.step,
          values: p.values.map((v) => v.map((x, h) => (h < step - p.step ? 0 : x))),
        })),
      { step, values },
    ];
    const out: number[] = [];
    const leaders: string[] = [];
    const weights: number[] = [];
    for (let h = 0; h < this.horizon; h += 1) {
      const row = errors[h] as number[];
      if ((scored[h] as number) < this.warmup || (this.warmup === 0 && scored[h] === 0)) {
        out.push(values[0]?.[h] as number);
        leaders.push(this.candidates[0]?.kind as string);
        weights.push(1);
        continue;
      }
      const e0 = row[0] as number;
      const scale = this.temperature * e0 + 1e-9;
      const margin = this.margin + this.shortMargin / (h + 1);
      const handicapped = row.map((e, m) => (m === 0 ? e : e * (1 + margin)));
      // effective number of scored actuals behind a discounted mean
      const n = Math.min(scored[h] as number, (2 - this.discount) / this.discount);
      const sq = spread[h] as number[];
      const stderr = (m: number) =>
        Math.sqrt(Math.max(0, (sq[m] as number) - ((row[m] as number) - e0) ** 2) / n);
      const eligible = handicapped.map(
        (e, m) => m === 0 || !this.gate || e + this.confidence * stderr(m) < e0,
      );
      const best = Math.min(...handicapped.filter((_, m) => eligible[m]));
      const w = handicapped.map((e, m) => (eligible[m] ? Math.exp(-(e - best) / scale) : 0));
      const sum = w.reduce((a, b) => a + b, 0);
      let y = 0;
      let lead = 0;
      w.forEach((wi, m) => {
        y += (wi / sum) * (values[m]?.[h] as number);
        if (wi > (w[lead] as number)) lead = m;
      });
      out.push(y);
      leaders.push(this.candidates[lead]?.kind as string);
      weights.push((w[lead] as number) / sum);
    }
    return {
      forecast: { values: out, leaders, weights },
      state: { errors, spread, scored, pending },
    };
  }
}
