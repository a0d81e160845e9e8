/**
 * @module pipelines/runtime/forecast-input
 * A forecaster's input at a key's point, from its look-back rows: the window of the
 * forecast measure and, as {@link ForecastContext} covariates, the key's other measures
 * over the same points (a missing value is NaN) — the one place that builds them for the
 * embedded forecast stage (chain-forecast.ts) and the endpoint stage
 * (households/remote-forecast.ts), so both send a multivariate model the same context.
 */
import type { ForecastContext } from '../../models/index.js';

/** The window of the forecast measure and its context (time, covariates). */
export interface ForecastInput {
  /** The measure's values, oldest first, all finite. */
  readonly window: number[];
  readonly context: ForecastContext;
}

/**
 * The input from `recent` (look-back rows, oldest first, exactly the window's length) at
 * `time` (the last row's time); undefined when a value of `measure` is missing or not
 * finite. The covariates are the measures of the last row other than `measure`.
 * @example `const input = forecastInput(history.slice(-forecaster.inputLength), 'power', time)`
 */
export function forecastInput(
  recent: readonly Readonly<Record<string, number>>[],
  measure: string,
  time: number,
): ForecastInput | undefined {
  const window = recent.map((v) => v[measure] as number);
  if (!window.every(Number.isFinite)) return undefined;
  const covariates: Record<string, number[]> = {};
  for (const m in recent[recent.length - 1]) {
    if (m !== measure) covariates[m] = recent.map((v) => v[m] ?? Number.NaN);
  }
  return { window, context: { time, covariates } };
}
