/**
 * @module pipelines/households/remote-forecast
 * The households' power forecast on a SageMaker endpoint, in the format the pipeline
 * setting names: `shardflow` (ours, `{"instances":[[…60 values]]}`) or `deepar`
 * (`{"instances":[{"start","target"}],"configuration":{…}}`, so a DeepAR forecaster endpoint
 * can replace ours). A stage after the chain's items: a window's input is the last
 * `inputLength` values of the measure in the key's look-back ring (keyed state
 * `<name>.ring`, read at the item's minute) with the key's other measures over the same
 * minutes (the covariates of a multivariate model such as the shipped boosted trees: sent as
 * `{"features", "covariates"}` in our format; DeepAR's request carries none, its
 * `dynamic_feat` must cover the horizon), sent through `forecast` → `invokeEndpoint`
 * (batched, retried, behind the breaker; the embedded forecaster answers when the endpoint
 * cannot), and the answer becomes the item's prediction rows, as embedded forecasting
 * writes them. Items without a full window pass unchanged. Requests in flight are counted
 * in the chain's `flight`, so a snapshot waits for them.
 */
import { connect, filter, map, merge, tap, type MonoTypeOperatorFunction } from 'rxjs';
import { PositionSet, traced, type Traced } from '../../core/index.js';
import type { ForecastContext, Forecaster } from '../../models/index.js';
import { forecast, isDeadLetter, type Forecast, type Invoke } from '../../operators/index.js';
import { predictionKey } from '../../sinks/index.js';
import { forecastInput } from '../runtime/index.js';
import { ringCodec, type Ring } from '../runtime/lookback.js';
import type { ChainContext } from '../runtime/reading-chain.js';
import type { ResultItem, ResultRow } from '../runtime/result-item.js';

/** The endpoint formats a pipeline can speak. */
export type ForecastFormat = 'shardflow' | 'deepar';

/** Options of {@link remoteForecast}. */
export interface RemoteForecastOptions {
  /** The SageMaker InvokeEndpoint call (`sageMakerInvoke`). */
  readonly invoke: Invoke;
  /** Request format of the endpoint; default `shardflow` (ours). */
  readonly format?: ForecastFormat;
  /** Longest wait to fill a request batch; default 50 ms. */
  readonly maxWaitMs?: number;
}

/** What the stage forecasts: the chain's name, measure, horizons, fallback and grid step. */
export interface RemoteForecastSpec {
  readonly name: string;
  readonly measure: string;
  readonly horizons: readonly number[];
  /** Answers when the endpoint cannot; its `inputLength` is the window length. */
  readonly fallback: Forecaster;
  readonly stepMs?: number;
}

interface Windowed {
  readonly item: ResultItem;
  readonly key: string;
  readonly time: number;
  readonly window: number[];
  /** The other measures of the key over the window's minutes. */
  readonly context: ForecastContext;
}

const iso = (t: number) => new Date(t).toISOString();

/** The item of a dead letter's `raw` (the window, or the endpoint stage's carried window). */
function itemOf(raw: unknown): ResultItem {
  const r = raw as { item?: ResultItem; value?: { item?: ResultItem } };
  const item = r.item ?? r.value?.item;
  if (!item) throw new Error('remote forecast: a dead letter without its item');
  return item;
}

/**
 * The stage (see module doc), for `ReadingChainSpec.then`.
 * @example `then: remoteForecast({ name: 'households', measure, horizons, fallback }, { invoke, format: 'deepar' })`
 */
export function remoteForecast(
  spec: RemoteForecastSpec,
  options: RemoteForecastOptions,
): (context: ChainContext) => MonoTypeOperatorFunction<ResultItem> {
  const { name, measure, horizons, fallback, stepMs = 60_000 } = spec;
  const { invoke, format = 'shardflow', maxWaitMs } = options;
  const length = fallback.inputLength;
  return ({ state, flight = { n: 0 } }) => {
    const rings = state.register<Ring>(`${name}.ring`, ringCodec());
    const windowOf = (item: ResultItem): Windowed | undefined => {
      const line = item.pipeline === name ? item.outputs.scores[0] : undefined;
      const key = line?.key;
      const time = Date.parse(String(line?.windowStart));
      const ring = typeof key === 'string' ? rings.get(key) : undefined;
      if (!ring || typeof key !== 'string' || !Number.isFinite(time)) return undefined;
      const end = ring.values.length - (ring.time - time) / stepMs;
      if (!Number.isInteger(end) || end < length || end > ring.values.length) return undefined;
      const input = forecastInput(ring.values.slice(end - length, end), measure, time);
      return input && { item, key, time, ...input };
    };
    const rows = (w: Windowed, f: Forecast<Windowed>): ResultRow[] =>
      horizons.flatMap((h) => {
        const value = f.predictions[`${measure}~${h}`];
        if (value === undefined || !Number.isFinite(value)) return [];
        const ts = w.time + h * 60_000;
        return [
          {
            key: predictionKey({ deviceId: w.key, ts, measure, minutesAhead: h }),
            attributes: {
              pipeline: name,
              value,
              origin: iso(w.time),
              target: iso(ts),
              // the model that answered, as the chain's forecast rows name theirs
              model: f.source === 'remote' ? `endpoint (${format})` : fallback.kind,
              source: f.source,
            },
          },
        ];
      });
    return (items$) =>
      items$.pipe(
        map((item) => ({ item, w: windowOf(item) })),
        connect((shared$) =>
          merge(
            shared$.pipe(
              filter((x) => x.w === undefined),
              map((x) => x.item),
            ),
            shared$.pipe(
              filter((x): x is { item: ResultItem; w: Windowed } => x.w !== undefined),
              tap(() => (flight.n += 1)),
              map((x): Traced<Windowed> => traced(x.w, PositionSet.empty)),
              forecast<Windowed>({
                window: (w) => w.window,
                context: (w) => w.context,
                measure: () => measure,
                stepMinutes: stepMs / 60_000,
                forecaster: fallback,
                remoteFormat: format,
                windowStart: (w) => w.time - (length - 1) * stepMs,
                remote: { invoke, ...(maxWaitMs !== undefined ? { maxWaitMs } : {}) },
              }),
              map((e) => {
                flight.n -= 1;
                // a window the endpoint and the fallback could not forecast keeps its item
                if (isDeadLetter(e)) return itemOf(e.raw);
                const w = e.value.input;
                const predictions = [...w.item.outputs.predictions, ...rows(w, e.value)];
                return { ...w.item, outputs: { ...w.item.outputs, predictions } };
              }),
            ),
          ),
        ),
      );
  };
}
