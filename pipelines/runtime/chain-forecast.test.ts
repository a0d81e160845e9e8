import { movingAverage, type Forecaster } from '../../models/index.js';
import { KeyedStateBackend } from '../state/index.js';
import { chainForecast, type ForecastSpec } from './chain-forecast.js';

/** A candidate that extends the window's last slope, scaled by a covariate's last value. */
const trend: Forecaster = {
  kind: 'trend',
  inputLength: 4,
  horizon: 3,
  covariates: ['gain'],
  predict: (windows, contexts) =>
    windows.map((w, i) => {
      const gain = contexts?.[i]?.covariates?.gain?.at(-1) ?? 0;
      const slope = (w[3] as number) - (w[2] as number);
      return [1, 2, 3].map((h) => (w[3] as number) + gain * slope * h);
    }),
  toJSON: () => ({ format: 'shardflow-forecaster', kind: 'trend', inputLength: 4, horizon: 3 }),
};

const MINUTE = 60_000;
/** A ramp of 2 per minute with a covariate `gain` = 1 (so the trend candidate is exact). */
const point = (t: number) => ({ v: 2 * t, gain: 1 });

function run(spec: ForecastSpec, state: KeyedStateBackend, from: number, to: number) {
  const forecast = chainForecast(spec, { state, name: 'test', stepMs: MINUTE });
  const out = [];
  for (let t = from; t < to; t += 1) {
    const history = Array.from({ length: 4 }, (_, i) => point(t - 3 + i));
    out.push(forecast('k1', t * MINUTE, history));
  }
  return out;
}

describe('chainForecast', () => {
  it('names the model of each prediction (the forecaster alone)', () => {
    const spec = {
      measure: 'v',
      forecaster: movingAverage({ inputLength: 4, horizon: 3 }),
      horizons: [1, 3],
    };
    const [rows] = run(spec, new KeyedStateBackend(), 10, 11);
    expect(rows?.map((r) => r.attributes)).toEqual([
      expect.objectContaining({ model: 'moving-average', value: 17, pipeline: 'test' }),
      expect.objectContaining({
        model: 'moving-average',
        target: new Date(13 * MINUTE).toISOString(),
      }),
    ]);
  });

  it('selects per key and horizon in keyed state, reading covariates from the look-back', () => {
    const spec = { measure: 'v', forecaster: trend, horizons: [1, 2, 3], select: { warmup: 5 } };
    const state = new KeyedStateBackend();
    const out = run(spec, state, 10, 40);
    // persistence while warming up, then the (exact) trend candidate at every horizon
    expect(out[0]?.map((r) => r.attributes.model)).toEqual([
      'last-value',
      'last-value',
      'last-value',
    ]);
    const last = out.at(-1) ?? [];
    expect(last.map((r) => r.attributes.model)).toEqual(['trend', 'trend', 'trend']);
    last.forEach((r, h) => expect(r.attributes.value).toBeCloseTo(2 * (39 + h + 1), 6));
    expect(last[0]?.attributes.weight).toBeGreaterThan(0.99);
    expect([...state.keysOf('test.selector')]).toEqual(['k1']);
  });

  it('forecasts after a snapshot restore exactly as an uninterrupted run', () => {
    const spec = { measure: 'v', forecaster: trend, horizons: [1, 2, 3], select: { warmup: 5 } };
    const uninterrupted = run(spec, new KeyedStateBackend(), 10, 30);
    const before = new KeyedStateBackend();
    run(spec, before, 10, 20);
    const after = new KeyedStateBackend();
    after.restore(JSON.parse(JSON.stringify(before.snapshot())));
    expect(run(spec, after, 20, 30)).toEqual(uninterrupted.slice(10));
  });
});
