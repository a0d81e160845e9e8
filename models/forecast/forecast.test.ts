import { ConfigError, prng } from '../../core/index.js';
import {
  dampedTrend,
  fitLinearAr,
  forecasterFromJson,
  groupByKey,
  lastValue,
  maePerHorizon,
  movingAverage,
  parseSeries,
  seasonalNaive,
  windowsOf,
} from './index.js';

const ramp = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

describe('baseline forecasters', () => {
  it('map a (-1, 60) batch to (-1, 15) forecasts', () => {
    const windows = [ramp(60), ramp(60, 100)];
    expect(lastValue().predict(windows)).toEqual([new Array(15).fill(59), new Array(15).fill(159)]);
    expect(movingAverage({ span: 4 }).predict([ramp(60)])[0]).toEqual(new Array(15).fill(57.5));
    const season = Array.from({ length: 60 }, (_, i) => i % 12);
    expect(seasonalNaive({ period: 12 }).predict([season])[0]).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0, 1, 2,
    ]);
  });

  it('reject malformed windows with a ConfigError naming the instance', () => {
    expect(() => lastValue().predict([ramp(59)])).toThrow(/instances\[0\]/);
    expect(() => lastValue().predict([[...ramp(59), Number.NaN]])).toThrow(ConfigError);
    expect(() => movingAverage({ span: 61 })).toThrow(ConfigError);
  });
});

describe('damped trend forecaster', () => {
  it('follows the recent slope, damped step by step, from the last value', () => {
    // slope 2 per step over the last 10 values (a noise-free ramp), last value 118
    const window = ramp(60).map((v) => 2 * v);
    const [straight] = dampedTrend({ span: 10, damping: 1 }).predict([window]);
    straight?.forEach((v, h) => expect(v).toBeCloseTo(118 + 2 * (h + 1), 9));
    const [damped] = dampedTrend({ span: 10, damping: 0.5, horizon: 3 }).predict([window]);
    // 118 + 2 × (0.5), + 2 × (0.5 + 0.25), + 2 × (0.5 + 0.25 + 0.125)
    expect(damped).toEqual([119, 119.5, 119.75]);
  });

  it('fits the slope by least squares over the span only, and is flat on a flat window', () => {
    const window = [...new Array<number>(50).fill(1000), ...ramp(10)];
    const [f] = dampedTrend({ span: 10, damping: 1, horizon: 2 }).predict([window]);
    f?.forEach((v, h) => expect(v).toBeCloseTo(9 + (h + 1), 9));
    expect(dampedTrend().predict([new Array<number>(60).fill(7)])[0]).toEqual(
      new Array(15).fill(7),
    );
  });

  it('round-trips through its artefact and rejects bad options', () => {
    const model = dampedTrend({ span: 30, damping: 0.9 });
    const copy = forecasterFromJson(JSON.parse(JSON.stringify(model.toJSON())));
    const window = Array.from({ length: 60 }, (_, i) => Math.sin(i / 7) * 10 + i);
    expect(copy.predict([window])).toEqual(model.predict([window]));
    expect(() => dampedTrend({ span: 1 })).toThrow(ConfigError);
    expect(() => dampedTrend({ span: 61 })).toThrow(ConfigError);
    expect(() => dampedTrend({ damping: 0 })).toThrow(ConfigError);
    expect(() => dampedTrend({ damping: 1.1 })).toThrow(ConfigError);
  });
});

describe('linear AR forecaster', () => {
  it('extrapolates a linear trend exactly, which no baseline does', () => {
    const series = Array.from({ length: 600 }, (_, i) => 3 + 0.5 * i);
    const model = fitLinearAr(series, { loss: 'squared', lambda: 1e-3 });
    const [forecast] = model.predict([series.slice(100, 160)]);
    const expected = ramp(15).map((h) => 3 + 0.5 * (160 + h));
    expect(forecast).toHaveLength(15);
    forecast?.forEach((v, h) => expect(v).toBeCloseTo(expected[h] as number, 3));
  });

  it('beats persistence and the moving average on a noisy seasonal series out of sample', () => {
    const source = prng(12345);
    const noise = () => source.next() - 0.5;
    const series = Array.from({ length: 4000 }, (_, i) => 10 * Math.sin(i / 8) + noise());
    const model = fitLinearAr(series.slice(0, 3000), { lambda: 1e-3 });
    const { inputs, targets } = windowsOf(series.slice(3000), 60, 15);
    const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
    const ar = mean(maePerHorizon(model, inputs, targets));
    expect(ar).toBeLessThan(0.5 * mean(maePerHorizon(lastValue(), inputs, targets)));
    expect(ar).toBeLessThan(0.5 * mean(maePerHorizon(movingAverage(), inputs, targets)));
  });

  it('restores from its JSON artefact with identical predictions (lags and span means)', () => {
    const series = Array.from({ length: 800 }, (_, i) => Math.sin(i / 5) + (i % 7) / 10);
    for (const options of [{}, { spans: [2, 5, 15, 60] }]) {
      const model = fitLinearAr(series, options);
      const copy = forecasterFromJson(JSON.parse(JSON.stringify(model.toJSON())));
      const windows = [series.slice(0, 60), series.slice(300, 360)];
      expect(copy.predict(windows)).toEqual(model.predict(windows));
    }
    expect(() => forecasterFromJson({ format: 'other' })).toThrow(ConfigError);
  });

  it('refuses a series with too few complete windows', () => {
    expect(() => fitLinearAr(ramp(100))).toThrow(ConfigError);
  });
});

describe('parseSeries', () => {
  it('reads the household CSV (; separated, ? missing) and the indoor-air CSV (row id column)', () => {
    const household =
      'Date;Time;Global_active_power;Voltage\n16/12/2006;17:24:00;4.216;234.8\n16/12/2006;17:25:00;?;233.6\n';
    const power = parseSeries(household, { column: 'Global_active_power' });
    expect(power[0]).toBe(4.216);
    expect(power[1]).toBeNaN();
    const air =
      '"date","Temperature","CO2"\n"1","2015-02-04 17:51:00",23.18,721.25\n"2","2015-02-04 17:52:00",23.15,714\n';
    expect(parseSeries(air, { column: 'CO2' })).toEqual([721.25, 714]);
  });

  it('reads JSON arrays and newline-delimited wire records', () => {
    expect(parseSeries('[1, 2.5, "x"]', { column: 'v' })).toEqual([1, 2.5, Number.NaN]);
    const ndjson =
      '{"kind":"device","readings":{"co2":600}}\n{"kind":"device","readings":{"co2":612}}\n';
    expect(parseSeries(ndjson, { column: 'co2' })).toEqual([600, 612]);
    expect(() => parseSeries('a,b\n1,2', { column: 'c' })).toThrow(ConfigError);
  });

  it('groups interleaved keys so no window spans two (export CSV and archive lines)', () => {
    const csv = 'time,household,p\n1,a,1\n1,b,10\n2,a,2\n2,b,20\n3,a,3\n';
    const p = parseSeries(groupByKey(csv, 'household'), { column: 'p' });
    expect(p.slice(0, 3)).toEqual([1, 2, 3]);
    expect(p[3]).toBeNaN();
    expect(p.slice(4)).toEqual([10, 20]);
    const lines = ['a', 'b', 'a'].map((h, i) =>
      JSON.stringify({ householdId: h, readings: { p: i } }),
    );
    const q = parseSeries(groupByKey(lines.join('\n'), 'householdId'), { column: 'p' });
    expect(q).toEqual([0, 2, Number.NaN, 1]);
    expect(() => groupByKey(csv, 'device')).toThrow(ConfigError);
  });

  it('skips windows that touch a missing value', () => {
    const series = [...ramp(80), Number.NaN, ...ramp(80)];
    const { inputs } = windowsOf(series, 60, 15);
    expect(inputs.every((w) => w.every(Number.isFinite))).toBe(true);
    expect(inputs.length).toBe(6 + 6);
  });
});
