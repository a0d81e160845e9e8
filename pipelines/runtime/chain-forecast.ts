/**
 * @module pipelines/runtime/chain-forecast
 * The forecast stage of a reading chain: the prediction rows of a grid point from its
 * look-back. With `select`, a {@link ForecastSelector} per key picks, per horizon, among
 * persistence, the pipeline's forecaster and further candidates (Hedge on each horizon's
 * recent errors); its state (errors, recent forecasts) is keyed state `<name>.selector`,
 * snapshotted with the checkpoint, so forecasts after a restore are those of an uninterrupted
 * run. Every prediction row names the model that made it (`model`: the leading candidate's
 * kind at that horizon, and `weight`, its share of the mix). Multivariate candidates read the
 * key's other measures from the look-back.
 */
import {
  ForecastSelector,
  type Forecaster,
  type SelectorOptions,
  type SelectorState,
} from '../../models/index.js';
import { predictionKey } from '../../sinks/index.js';
import type { KeyedStateBackend } from '../state/index.js';
import { forecastInput } from './forecast-input.js';
import type { ResultRow } from './result-item.js';

/** The forecast of one measure of a chain. */
export interface ForecastSpec {
  readonly measure: string;
  readonly forecaster: Forecaster;
  /** Minutes ahead written as predictions. */
  readonly horizons: readonly number[];
  /**
   * Select per key and horizon among persistence, `forecaster` and `candidates` (same
   * sizes); omit to use `forecaster` alone.
   */
  readonly select?: Omit<SelectorOptions, 'candidates'> & {
    readonly candidates?: readonly Forecaster[];
  };
}

/** Where a chain's forecast keeps its state. */
export interface ChainForecastContext {
  readonly state: KeyedStateBackend;
  /** State name prefix (the pipeline's name). */
  readonly name: string;
  /** Grid step (ms): a point's time / step is the selector's step index. */
  readonly stepMs: number;
}

/** A chain's forecast: prediction rows of a key's point from its look-back (oldest first). */
export type ChainForecast = (
  key: string,
  time: number,
  history: readonly Readonly<Record<string, number>>[],
) => ResultRow[];

const iso = (t: number) => new Date(t).toISOString();

/**
 * Builds the forecast stage (see module doc).
 * @example `const rows = chainForecast(spec.forecast, { state, name: 'households', stepMs: 60_000 })`
 */
export function chainForecast(spec: ForecastSpec, context: ChainForecastContext): ChainForecast {
  const { measure, forecaster, horizons, select } = spec;
  const { inputLength } = forecaster;
  const selector = select
    ? new ForecastSelector({ ...select, candidates: [forecaster, ...(select.candidates ?? [])] })
    : undefined;
  const states = selector
    ? context.state.register<SelectorState>(`${context.name}.selector`)
    : undefined;
  return (key, time, history) => {
    if (history.length < inputLength) return [];
    const found = forecastInput(history.slice(-inputLength), measure, time);
    if (!found) return [];
    const { window: input, context: forecastContext } = found;
    let values: readonly number[];
    let models: readonly string[];
    let weights: readonly number[] | undefined;
    if (selector && states) {
      const step = Math.round(time / context.stepMs);
      const r = selector.step(
        states.get(key) ?? selector.initialState(),
        step,
        input,
        forecastContext,
      );
      states.set(key, r.state);
      ({ values, leaders: models, weights } = r.forecast);
    } else {
      values = forecaster.predict([input], [forecastContext])[0] ?? [];
      models = values.map(() => forecaster.kind);
    }
    const rows: ResultRow[] = [];
    for (const h of horizons) {
      const value = values[h - 1];
      if (value === undefined || !Number.isFinite(value)) continue;
      const ts = time + h * 60_000;
      rows.push({
        key: predictionKey({ deviceId: key, ts, measure, minutesAhead: h }),
        attributes: {
          pipeline: context.name,
          value,
          origin: iso(time),
          target: iso(ts),
          model: models[h - 1] as string,
          ...(weights ? { weight: weights[h - 1] as number } : {}),
        },
      });
    }
    return rows;
  };
}
