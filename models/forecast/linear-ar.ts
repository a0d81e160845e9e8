/**
 * @module models/forecast/linear-ar
 * A linear autoregressive forecaster fitted by ridge (L2-regularized) least squares —
 * by default least absolute deviations via iteratively reweighted ridge — one direct
 * model per step ahead. Inputs and targets are taken relative to the window's last
 * value (level-free), so the model learns shape rather than level and degrades to
 * persistence when the ridge penalty dominates. Invariant: fitting is deterministic (normal
 * equations solved by Cholesky) and the artefact restores the exact weights.
 */
import { ConfigError } from '../../core/index.js';
import {
  DEFAULT_HORIZON,
  DEFAULT_INPUT_LENGTH,
  checkSizes,
  checkWindows,
  type Forecaster,
  type ForecasterArtefact,
} from './forecaster.js';

/** Options of {@link fitLinearAr}. */
export interface LinearArOptions {
  readonly inputLength?: number;
  readonly horizon?: number;
  /** Ridge penalty relative to the mean diagonal of XᵀX; default 1e-3. */
  readonly lambda?: number;
  /** Use every `stride`-th window of the series for fitting; default 1. */
  readonly stride?: number;
  /**
   * `absolute` (default) fits least absolute deviations by iteratively reweighted ridge
   * least squares (the error the models are judged by, robust to load spikes);
   * `squared` fits ordinary ridge least squares.
   */
  readonly loss?: 'absolute' | 'squared';
  /** Reweighting iterations for `absolute`; default 6. */
  readonly iterations?: number;
  /**
   * Features: omitted = every lag of the window; else the means of the last `s` values
   * for each span `s` (a compact model that overfits less), all relative to the last value.
   */
  readonly spans?: readonly number[];
}

/**
 * Weights of a fitted model: `weights[h]` has one entry per feature plus the intercept
 * (last); features are the lags of the window, or the span means when `spans` is set.
 */
export interface LinearArArtefact extends ForecasterArtefact {
  readonly kind: 'linear-ar';
  readonly lambda: number;
  readonly weights: number[][];
  readonly spans?: readonly number[];
}

/** Writes the level-free features of `w` (ending at `end`, exclusive) into `x`, intercept last. */
function featuresOf(
  w: ArrayLike<number>,
  start: number,
  inputLength: number,
  spans: readonly number[] | undefined,
  x: Float64Array,
): void {
  const last = w[start + inputLength - 1] as number;
  if (spans === undefined) {
    for (let i = 0; i < inputLength; i += 1) x[i] = (w[start + i] as number) - last;
    x[inputLength] = 1;
    return;
  }
  spans.forEach((span, j) => {
    let sum = 0;
    for (let i = inputLength - span; i < inputLength; i += 1) sum += w[start + i] as number;
    x[j] = sum / span - last;
  });
  x[spans.length] = 1;
}

function checkSpans(spans: readonly number[] | undefined, inputLength: number): number {
  if (spans === undefined) return inputLength;
  if (
    !Array.isArray(spans) ||
    spans.length === 0 ||
    spans.some((s) => !Number.isInteger(s) || s < 2 || s > inputLength)
  )
    throw new ConfigError('spans', `must be integers in [2, ${inputLength}]`);
  return spans.length;
}

/** Builds the forecaster for fitted (or restored) weights. */
export function linearAr(artefact: {
  readonly inputLength: number;
  readonly horizon: number;
  readonly lambda: number;
  readonly weights: number[][];
  readonly spans?: readonly number[];
}): Forecaster {
  const { inputLength, horizon, weights, lambda, spans } = artefact;
  checkSizes(inputLength, horizon);
  const q = checkSpans(spans, inputLength);
  if (
    !Array.isArray(weights) ||
    weights.length !== horizon ||
    weights.some((w) => !Array.isArray(w) || w.length !== q + 1)
  )
    throw new ConfigError('weights', `must be ${horizon} rows of ${q + 1} numbers`);
  const x = new Float64Array(q + 1);
  return {
    kind: 'linear-ar',
    inputLength,
    horizon,
    predict(windows) {
      checkWindows(windows, inputLength);
      return windows.map((w) => {
        const last = w[inputLength - 1] as number;
        featuresOf(w, 0, inputLength, spans, x);
        return weights.map((row) => {
          let y = 0;
          for (let i = 0; i <= q; i += 1) y += (row[i] as number) * (x[i] as number);
          return last + y;
        });
      });
    },
    toJSON: (): LinearArArtefact => ({
      format: 'shardflow-forecaster',
      kind: 'linear-ar',
      inputLength,
      horizon,
      lambda,
      weights: weights.map((r) => [...r]),
      ...(spans ? { spans: [...spans] } : {}),
    }),
  };
}

/**
 * Fits a linear AR forecaster on a series (NaN marks a missing value; windows touching
 * one are skipped).
 *
 * @example
 * const model = fitLinearAr(series.slice(0, split), { lambda: 1e-3 });
 * const [next15] = model.predict([series.slice(split - 60, split)]);
 */
export function fitLinearAr(series: readonly number[], options: LinearArOptions = {}): Forecaster {
  const {
    inputLength = DEFAULT_INPUT_LENGTH,
    horizon = DEFAULT_HORIZON,
    lambda = 1e-3,
    stride = 1,
    loss = 'absolute',
    iterations = 6,
    spans,
  } = options;
  checkSizes(inputLength, horizon);
  if (!(lambda >= 0)) throw new ConfigError('lambda', 'must be ≥ 0');
  if (!Number.isInteger(stride) || stride < 1) throw new ConfigError('stride', 'must be ≥ 1');
  if (!Number.isInteger(iterations) || iterations < 1)
    throw new ConfigError('iterations', 'must be an integer ≥ 1');
  const q = checkSpans(spans, inputLength);
  const p = q + 1;
  // Design matrix (level-free inputs + intercept) and targets of every complete window.
  const rows: Float64Array[] = [];
  const ys: Float64Array[] = [];
  for (let t = inputLength; t + horizon <= series.length; t += stride) {
    let ok = true;
    for (let i = t - inputLength; i < t + horizon; i += 1) {
      if (!Number.isFinite(series[i] as number)) {
        ok = false;
        break;
      }
    }
    if (!ok) continue;
    const last = series[t - 1] as number;
    const x = new Float64Array(p);
    featuresOf(series, t - inputLength, inputLength, spans, x);
    rows.push(x);
    const y = new Float64Array(horizon);
    for (let h = 0; h < horizon; h += 1) y[h] = (series[t + h] as number) - last;
    ys.push(y);
  }
  if (rows.length < p)
    throw new ConfigError('series', `too short: ${rows.length} complete windows for ${p} weights`);
  const weights: number[][] = [];
  for (let h = 0; h < horizon; h += 1) {
    let w = fitWeighted(rows, ys, h, undefined, lambda, p, q);
    if (loss === 'absolute') {
      const sw = new Float64Array(rows.length);
      for (let it = 0; it < iterations; it += 1) {
        let scale = 0;
        const res = rows.map((x, n) => {
          let f = 0;
          for (let i = 0; i < p; i += 1) f += (x[i] as number) * (w[i] as number);
          const r = Math.abs(((ys[n] as Float64Array)[h] as number) - f);
          scale += r;
          return r;
        });
        const delta = Math.max(1e-9, (scale / rows.length) * 1e-2);
        res.forEach((r, n) => {
          sw[n] = 1 / Math.max(r, delta);
        });
        w = fitWeighted(rows, ys, h, sw, lambda, p, q);
      }
    }
    weights.push(Array.from(w));
  }
  return linearAr({ inputLength, horizon, lambda, weights, ...(spans ? { spans } : {}) });
}

/** Solves the (weighted) ridge normal equations for step `h`. */
function fitWeighted(
  rows: readonly Float64Array[],
  ys: readonly Float64Array[],
  h: number,
  sampleWeights: Float64Array | undefined,
  lambda: number,
  p: number,
  features: number,
): Float64Array {
  const xtx = new Float64Array(p * p);
  const xty = new Float64Array(p);
  let total = 0;
  for (let n = 0; n < rows.length; n += 1) {
    const x = rows[n] as Float64Array;
    const sw = sampleWeights ? (sampleWeights[n] as number) : 1;
    total += sw;
    const y = ((ys[n] as Float64Array)[h] as number) * sw;
    for (let i = 0; i < p; i += 1) {
      const xi = (x[i] as number) * sw;
      if (xi === 0) continue;
      for (let j = i; j < p; j += 1)
        xtx[i * p + j] = (xtx[i * p + j] as number) + xi * (x[j] as number);
      xty[i] = (xty[i] as number) + (x[i] as number) * y;
    }
  }
  for (let i = 0; i < p; i += 1)
    for (let j = 0; j < i; j += 1) xtx[i * p + j] = xtx[j * p + i] as number;
  let trace = 0;
  for (let i = 0; i < features; i += 1) trace += xtx[i * p + i] as number;
  const penalty = lambda * (trace / features || 1);
  for (let i = 0; i < features; i += 1) xtx[i * p + i] = (xtx[i * p + i] as number) + penalty;
  xtx[p * p - 1] = (xtx[p * p - 1] as number) + 1e-9 * total;
  return solve(cholesky(xtx, p), xty, p);
}

function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      let s = a[i * n + j] as number;
      for (let k = 0; k < j; k += 1) s -= (l[i * n + k] as number) * (l[j * n + k] as number);
      if (i === j) {
        if (s <= 0) throw new ConfigError('series', 'normal equations are singular; raise lambda');
        l[i * n + i] = Math.sqrt(s);
      } else {
        l[i * n + j] = s / (l[j * n + j] as number);
      }
    }
  }
  return l;
}

function solve(l: Float64Array, b: Float64Array, n: number): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    let s = b[i] as number;
    for (let k = 0; k < i; k += 1) s -= (l[i * n + k] as number) * (y[k] as number);
    y[i] = s / (l[i * n + i] as number);
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i -= 1) {
    let s = y[i] as number;
    for (let k = i + 1; k < n; k += 1) s -= (l[k * n + i] as number) * (x[k] as number);
    x[i] = s / (l[i * n + i] as number);
  }
  return x;
}
