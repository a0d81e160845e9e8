/**
 * @module pipelines/runtime/forecast-selection
 * The pipelines' default forecaster selection: per key and horizon among persistence (always
 * the selector's first candidate), the pipeline's forecaster, the cheap moving averages of
 * the last 5 and 15 minutes and the damped trend (no training needed by any). On by default
 * in both shipped pipelines, because a forecaster alone can lose to persistence by a lot
 * (moving averages by 25–95 % on the bench:forecast series) while the selection stays
 * within ~1 % of it where nothing beats it and, with the damped trend, gains 8–22 % on the
 * indoor temperature (BENCHMARKS.md, "Online forecaster selection"); `select: false` turns
 * it off.
 */
import { dampedTrend, movingAverage, type Forecaster } from '../../models/index.js';
import type { ForecastSpec } from './chain-forecast.js';

/** Spans (minutes) of the moving averages the default selection adds. */
export const SELECTION_SPANS = [5, 15] as const;

/** The `select` option of a pipeline: selection options, or `false` for the forecaster alone. */
export type SelectOption = ForecastSpec['select'] | false;

/**
 * The moving average of the last `span` values named by its span (`moving-average-15`), so
 * prediction rows tell the averages apart; sizes default to the pipelines' (60 → 15).
 * @example `spanAverage(15)` — the default forecaster of both pipelines
 */
export function spanAverage(span: number, like?: Forecaster): Forecaster {
  const sizes = like ? { inputLength: like.inputLength, horizon: like.horizon } : {};
  const model = movingAverage({ ...sizes, span });
  return { ...model, kind: `moving-average-${span}` };
}

const sameModel = (a: Forecaster, b: Forecaster): boolean =>
  JSON.stringify(a.toJSON()) === JSON.stringify(b.toJSON());

/**
 * The damped trend (`models` defaults: the slope of the last 20 values, damped by 0.95 a step)
 * sized like `like`: it follows a room filling up or a warming afternoon, which no average
 * does (`npm run bench:forecast`, the untrained selections).
 */
export function defaultTrend(like: Forecaster): Forecaster {
  return dampedTrend({ inputLength: like.inputLength, horizon: like.horizon });
}

/**
 * The `select` field of a pipeline's forecast spec: none (off) for `false`; else the given
 * options, with the moving averages of {@link SELECTION_SPANS} and the damped trend as
 * candidates unless `candidates` is given (averages longer than the forecaster's input, and
 * candidates equal to the forecaster, are left out).
 * @example `forecastSelection(undefined, spanAverage(15)).select?.candidates` — the 5-minute average
 */
export function forecastSelection(
  select: SelectOption | undefined,
  forecaster: Forecaster,
): Pick<ForecastSpec, 'select'> {
  if (select === false) return {};
  const options = select ?? {};
  if (options.candidates) return { select: options };
  const candidates = SELECTION_SPANS.filter((span) => span <= forecaster.inputLength)
    .map((span) => spanAverage(span, forecaster))
    .concat(forecaster.inputLength >= 2 ? [defaultTrend(forecaster)] : [])
    .filter((c) => !sameModel(c, forecaster));
  return { select: { ...options, candidates } };
}
