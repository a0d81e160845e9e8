import { prng } from '../../core/index.js';
import { movingAverage } from '../../models/index.js';
import { chainForecast } from './chain-forecast.js';
import { KeyedStateBackend } from '../state/index.js';
import { deviceSpec } from '../devices/index.js';
import { householdSpec } from '../households/index.js';
import { forecastSelection, spanAverage } from './forecast-selection.js';

const MINUTE = 60_000;
const kinds = (spec: ReturnType<typeof deviceSpec>) => ({
  forecaster: spec.forecast?.forecaster.kind,
  candidates: spec.forecast?.select?.candidates?.map((c) => c.kind),
});

describe('the pipelines’ default forecaster selection', () => {
  it('is on in both pipelines: persistence, the 15-minute average (forecaster), the 5-minute one and the damped trend', () => {
    for (const spec of [deviceSpec(), householdSpec({ monthly: false })])
      expect(kinds(spec)).toEqual({
        forecaster: 'moving-average-15',
        candidates: ['moving-average-5', 'damped-trend'],
      });
  });

  it('adds both averages and the trend to another forecaster, sized like it; `false` turns selection off', () => {
    const forecaster = movingAverage({ inputLength: 20, horizon: 15, span: 20 });
    expect(kinds(deviceSpec({ forecaster }))).toEqual({
      forecaster: 'moving-average',
      candidates: ['moving-average-5', 'moving-average-15', 'damped-trend'],
    });
    // an input of 10 leaves out the 15-minute average and fits the trend over those 10;
    // candidates share the forecaster's sizes
    const short = movingAverage({ inputLength: 10, span: 10 });
    const select = forecastSelection(undefined, short).select;
    expect(select?.candidates?.map((c) => [c.kind, c.inputLength])).toEqual([
      ['moving-average-5', 10],
      ['damped-trend', 10],
    ]);
    expect(select?.candidates?.[1]?.toJSON()).toMatchObject({ span: 10, damping: 0.95 });
    expect(deviceSpec({ select: false }).forecast?.select).toBeUndefined();
    expect(householdSpec({ select: false }).forecast?.select).toBeUndefined();
  });

  it('keeps the options and candidates given', () => {
    const candidates = [spanAverage(30)];
    expect(forecastSelection({ warmup: 5, candidates }, spanAverage(15))).toEqual({
      select: { warmup: 5, candidates },
    });
    expect(forecastSelection({ warmup: 5 }, spanAverage(15)).select?.warmup).toBe(5);
  });

  it('restores a device’s selection from a snapshot (JSON) and forecasts as if uninterrupted', () => {
    const random = prng(11);
    const iaq: number[] = [80];
    // noise around a slowly moving level: the averages beat persistence
    for (let t = 1; t < 240; t += 1) iaq.push(80 + t / 20 + (random.next() - 0.5) * 20);
    const spec = deviceSpec({ select: { warmup: 5 } }).forecast;
    if (!spec) throw new Error('no forecast');
    const run = (state: KeyedStateBackend, from: number, to: number) => {
      const forecast = chainForecast(spec, { state, name: 'devices', stepMs: MINUTE });
      const out = [];
      for (let t = from; t < to; t += 1)
        out.push(
          forecast(
            'd1',
            t * MINUTE,
            iaq.slice(t - 59, t + 1).map((v) => ({ iaq: v })),
          ),
        );
      return out;
    };
    const uninterrupted = run(new KeyedStateBackend(), 60, 240);
    const before = new KeyedStateBackend();
    run(before, 60, 150);
    const after = new KeyedStateBackend();
    after.restore(
      JSON.parse(JSON.stringify(before.snapshot())) as ReturnType<typeof before.snapshot>,
    );
    expect(run(after, 150, 240)).toEqual(uninterrupted.slice(90));
    // the selection is at work: not every row is persistence's
    const models = new Set(uninterrupted.flat().map((r) => r.attributes.model));
    expect(models.size).toBeGreaterThan(1);
  });

  it('writes devices rows naming the model and weight; a device’s selector state stays small', () => {
    const spec = deviceSpec();
    const forecast = spec.forecast;
    if (!forecast) throw new Error('no forecast');
    const state = new KeyedStateBackend();
    const run = chainForecast(forecast, { state, name: 'devices', stepMs: MINUTE });
    // an IAQ-like random walk (index 0–500), one device, 4 hours of minutes
    const random = prng(7);
    const iaq: number[] = [50];
    for (let t = 1; t < 240; t += 1)
      iaq.push(Math.max(0, (iaq[t - 1] as number) + (random.next() - 0.5) * 4));
    let rows: ReturnType<typeof run> = [];
    for (let t = 60; t < 240; t += 1) {
      const history = iaq.slice(t - 59, t + 1).map((v) => ({ iaq: v, co2: 600 }));
      rows = run('d1', t * MINUTE, history);
    }
    expect(rows.map((r) => String(r.key.sk).split('#')[1])).toEqual(['iaq~5', 'iaq~10', 'iaq~15']);
    for (const r of rows) {
      expect(['last-value', 'moving-average-5', 'moving-average-15', 'damped-trend']).toContain(
        r.attributes.model,
      );
      expect(r.attributes.weight).toBeGreaterThan(0);
      expect(r.attributes.weight).toBeLessThanOrEqual(1);
    }
    // 15 pending forecasts × 4 candidates × 15 steps (those of past steps stored as 0) +
    // 15 × 4 errors and spreads: a few KB of JSON
    const json = JSON.stringify(state.encoded('devices.selector', 'd1'));
    expect(json.length).toBeLessThan(16_384);
  });
});
