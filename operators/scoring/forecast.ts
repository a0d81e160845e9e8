/**
 * @module operators/scoring/forecast
 * `forecast`: turns a record carrying the last `inputLength` values of a measure into
 * predictions named `<measure>~<minutes ahead>` (e.g. `iaq~15`), with an embedded
 * forecaster or a remote endpoint through {@link invokeEndpoint} (falling back to an
 * embedded forecaster or a dead letter). Invariant: each record leaves once, with its
 * own positions; a window of the wrong length is an `unscorable` dead letter.
 */
import { pipe, type OperatorFunction } from 'rxjs';
import { ConfigError } from '../../core/index.js';
import type { ForecastContext, Forecaster } from '../../models/index.js';
import { mapTraced, type Flow } from '../flow/index.js';
import type { Inferred, InvokeEndpointOptions } from './endpoint-request.js';
import { invokeEndpoint } from './invoke-endpoint.js';
import { decodePredictions, encodeDeepAr, encodeWindows } from './payloads.js';

/** Predictions for one record. */
export interface Forecast<T> {
  readonly input: T;
  readonly measure: string;
  /** `<measure>~<minutes ahead>` → predicted value. */
  readonly predictions: Readonly<Record<string, number>>;
  readonly source: 'embedded' | 'remote' | 'fallback';
}

/** Options of {@link forecast}. */
export interface ForecastOptions<T> {
  /** The last values of the measure, oldest first. */
  readonly window: (value: T) => readonly number[];
  /** The measure's name, e.g. `iaq`. */
  readonly measure: (value: T) => string;
  /** Minutes between consecutive values; default 1. */
  readonly stepMinutes?: number;
  /** Window length the model expects; default the embedded model's, else 60. */
  readonly inputLength?: number;
  /** Embedded model (and the remote fallback if `remote` is set). */
  readonly forecaster?: Forecaster;
  /**
   * Request format of the remote endpoint: ours (`{"instances":[[…]]}`, default) or DeepAR's
   * (`{"instances":[{"start","target"}]}`; answers in either format are read).
   */
  readonly remoteFormat?: 'shardflow' | 'deepar';
  /**
   * The record's other measures over the window's minutes (a multivariate model's
   * covariates): passed to the embedded forecaster and the fallback, and sent to the endpoint
   * in our format as `{"features": window, "covariates": {…}}` (not in DeepAR's, whose
   * `dynamic_feat` must cover the horizon too).
   */
  readonly context?: (value: T) => ForecastContext | undefined;
  /** The time (epoch ms) of a window's first value, for DeepAR's `start`. */
  readonly windowStart?: (value: T) => number;
  /** Forecast with a remote endpoint. */
  readonly remote?: Omit<
    InvokeEndpointOptions<readonly number[], number[]>,
    'decode' | 'encode' | 'fallback' | 'instanceBytes'
  >;
}

interface Carried<T> {
  readonly value: T;
  readonly measure: string;
  readonly window: readonly number[];
  readonly context?: ForecastContext;
}

/**
 * Forecasts each record's window (see module doc).
 *
 * @example
 * windows$.pipe(forecast({ window: (w) => w.values, measure: () => 'co2', forecaster }))
 */
export function forecast<T>(
  options: ForecastOptions<T>,
): OperatorFunction<Flow<T>, Flow<Forecast<T>>> {
  const { window, measure, stepMinutes = 1, forecaster, remote } = options;
  const inputLength = options.inputLength ?? forecaster?.inputLength ?? 60;
  if (!forecaster && !remote)
    throw new ConfigError('forecast', 'needs a forecaster or a remote endpoint');
  if (!(stepMinutes > 0)) throw new ConfigError('stepMinutes', 'must be > 0');
  if (forecaster && forecaster.inputLength !== inputLength)
    throw new ConfigError('inputLength', `the forecaster takes ${forecaster.inputLength} values`);
  const named = (m: string, values: readonly number[]) =>
    Object.fromEntries(values.map((v, h) => [`${m}~${(h + 1) * stepMinutes}`, v]));

  const carry: OperatorFunction<Flow<T>, Flow<Carried<T>>> = mapTraced(
    (value: T): Carried<T> => {
      const w = window(value);
      if (w.length !== inputLength || w.some((v) => !Number.isFinite(v)))
        throw new ConfigError('window', `needs ${inputLength} finite values, got ${w.length}`);
      const context = options.context?.(value);
      return { value, measure: measure(value), window: w, ...(context ? { context } : {}) };
    },
    { unscorable: 'forecast' },
  );

  if (!remote) {
    const model = forecaster as Forecaster;
    return pipe(
      carry,
      mapTraced((c: Carried<T>): Forecast<T> => ({
        input: c.value,
        measure: c.measure,
        predictions: named(c.measure, model.predict([c.window], [c.context])[0] as number[]),
        source: 'embedded',
      })),
    );
  }
  return pipe(
    carry,
    invokeEndpoint<Carried<T>, number[]>({
      ...remote,
      encode: (batch) =>
        options.remoteFormat === 'deepar'
          ? encodeDeepAr(
              batch.map((c) => c.window),
              batch.map((c) => options.windowStart?.(c.value)),
            )
          : encodeWindows(
              batch.map((c) => c.window),
              batch.map((c) => c.context?.covariates),
            ),
      decode: decodePredictions,
      ...(forecaster
        ? {
            fallback: (batch: readonly Carried<T>[]) =>
              forecaster.predict(
                batch.map((c) => c.window),
                batch.map((c) => c.context),
              ),
          }
        : {}),
    }),
    mapTraced((r: Inferred<Carried<T>, number[]>): Forecast<T> => ({
      input: r.input.value,
      measure: r.input.measure,
      predictions: named(r.input.measure, r.result),
      source: r.source,
    })),
  );
}
