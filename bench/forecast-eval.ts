/**
 * @module bench/forecast-eval
 * Evaluation helpers of `npm run bench:forecast`: the windows of a series with the key's
 * other measures, MAE per step ahead of a model and of the online selection run step by
 * step, and the grid that chooses the selector's settings on a validation range (the last
 * 30 % of a training range, candidates fitted on the first 70 %) — never on the test range.
 */
import {
  ForecastSelector,
  type ForecastContext,
  type Forecaster,
  type SelectorOptions,
} from '../models/index.js';

/** A series with the other measures of the same key, aligned with it. */
export interface Span {
  readonly series: number[];
  readonly covariates: Record<string, number[]>;
}

/** Windows of 60 → 15 with each window's context (windows touching a gap are skipped). */
export interface Windows {
  inputs: number[][];
  targets: number[][];
  contexts: ForecastContext[];
}

/** The other measures of the window ending before `t` (what the pipeline's look-back holds). */
export const contextAt = (covariates: Record<string, number[]>, t: number): ForecastContext => ({
  covariates: Object.fromEntries(
    Object.entries(covariates).map(([k, v]) => [k, v.slice(t - 60, t)]),
  ),
});

/** Every complete window of a span, in time order. */
export function windowsOf(span: Span): Windows {
  const w: Windows = { inputs: [], targets: [], contexts: [] };
  for (let t = 60; t + 15 <= span.series.length; t += 1) {
    const slice = span.series.slice(t - 60, t + 15);
    if (slice.some((v) => !Number.isFinite(v))) continue;
    w.inputs.push(slice.slice(0, 60));
    w.targets.push(slice.slice(60));
    w.contexts.push(contextAt(span.covariates, t));
  }
  return w;
}

/** MAE per step ahead of forecasts against the windows' targets. */
export function maeOf(forecasts: readonly (readonly number[])[], w: Windows): number[] {
  const sums = new Array<number>(15).fill(0);
  forecasts.forEach((p, i) =>
    p.forEach(
      (v, h) => (sums[h] = (sums[h] as number) + Math.abs(v - (w.targets[i]?.[h] as number))),
    ),
  );
  return sums.map((x) => x / Math.max(1, forecasts.length));
}

/** MAE per step ahead of a model given the windows' contexts. */
export const maeWith = (m: Forecaster, w: Windows): number[] =>
  maeOf(m.predict(w.inputs, w.contexts), w);

/**
 * A candidate that replays forecasts computed beforehand, one window per call in order (the
 * selector is stepped over the same windows): the grid reruns the selection many times
 * without re-predicting the trees.
 */
function replay(kind: string, rows: readonly number[][]): Forecaster {
  let i = 0;
  return {
    kind,
    inputLength: 60,
    horizon: 15,
    predict: () => [rows[i++] as number[]],
    toJSON: () => ({ format: 'shardflow-forecaster', kind, inputLength: 60, horizon: 15 }),
  };
}

/** MAE per horizon of the selector stepped over the windows (`step` = the window's end index). */
export function selectionMae(selector: ForecastSelector, w: Windows, ends?: number[]): number[] {
  let state = selector.initialState();
  const out: number[][] = [];
  w.inputs.forEach((input, i) => {
    const r = selector.step(state, ends?.[i] ?? i, input, w.contexts[i]);
    state = r.state;
    out.push(r.forecast.values);
  });
  return maeOf(out, w);
}

/** The end index of each complete window of a span (gaps make steps skip). */
export function windowEnds(span: Span): number[] {
  const ends: number[] = [];
  for (let t = 60; t + 15 <= span.series.length; t += 1) {
    const slice = span.series.slice(t - 60, t + 15);
    if (!slice.some((v) => !Number.isFinite(v))) ends.push(t - 1);
  }
  return ends;
}

/** The settings the grid tries (selector defaults are chosen among these). */
export type Settings = Omit<SelectorOptions, 'candidates'>;

const GRID: Settings[] = [0.005, 0.01, 0.02].flatMap((discount) =>
  [0.02, 0.05].flatMap((temperature) =>
    [0, 0.02, 0.05, 0.1].flatMap((margin) =>
      [0, 0.05, 0.1, 0.2, 0.4].flatMap((shortMargin) => [
        { discount, temperature, margin, shortMargin, gate: false },
        ...[0, 1, 3].map((confidence) => ({
          discount,
          temperature,
          margin,
          shortMargin,
          gate: true,
          confidence,
        })),
      ]),
    ),
  ),
);

/** One validation series for the grid: its windows and the candidates fitted before it. */
export interface Validation {
  readonly name: string;
  readonly span: Span;
  readonly candidates: readonly Forecaster[];
}

/** The mean over validation series of a row's mean-over-horizons ratio to persistence. */
export const meanRatio = (r: GridRow): number => r.mean.reduce((s, x) => s + x, 0) / r.mean.length;

/** A row's largest overshoot of any horizon over persistence, in 0.1 % steps (0: none). */
export const excess = (r: GridRow): number =>
  Math.round(Math.max(0, ...r.worst.map((x) => x - 1)) * 1000) / 1000;

/** Result of one setting: per series, mean and worst horizon ÷ persistence. */
export interface GridRow {
  readonly settings: Settings;
  readonly mean: number[];
  readonly worst: number[];
}

/**
 * Runs every grid setting over every validation series and ranks them as the bar
 * reads, lexicographically: first by the largest excess of any horizon over persistence on
 * any validation series (`max(0, worst − 1)`, to 0.1 %: every horizon ≤ persistence comes
 * first, else the smallest overshoot), then by the mean over series of the
 * mean-over-horizons ratio to persistence.
 */
export function tuneSelector(validations: readonly Validation[]): GridRow[] {
  const prepared = validations.map((v) => {
    const w = windowsOf(v.span);
    const ends = windowEnds(v.span);
    const rows = v.candidates.map((c) => c.predict(w.inputs, w.contexts));
    const base = maeOf(
      w.inputs.map((x) => new Array<number>(15).fill(x[59] as number)),
      w,
    );
    return { v, w, ends, rows, base };
  });
  const rows = GRID.map((settings) => {
    const mean: number[] = [];
    const worst: number[] = [];
    for (const p of prepared) {
      const candidates = p.v.candidates.map((c, m) => replay(c.kind, p.rows[m] as number[][]));
      const mae = selectionMae(new ForecastSelector({ ...settings, candidates }), p.w, p.ends);
      const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
      mean.push(sum(mae) / sum(p.base));
      worst.push(Math.max(...mae.map((e, h) => e / (p.base[h] as number))));
    }
    return { settings, mean, worst };
  });
  return rows.sort((a, b) => excess(a) - excess(b) || meanRatio(a) - meanRatio(b));
}
