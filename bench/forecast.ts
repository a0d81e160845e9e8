/**
 * @module bench/forecast
 * `npm run bench:forecast`: mean absolute error per step ahead of each forecaster on a
 * held-out time range of the public household-power and indoor-air data
 * shipped in `data/` (or SHARDFLOW_DATA_DIR), side by side with the baselines and the online
 * selection (Hedge over the candidates per horizon, `models/forecast/selector.ts`). The ridge
 * penalty of the linear AR model is chosen on the last 20 % of the training range only; the
 * boosted trees (multivariate: the key's other measures) use their default settings.
 * A second table per series gives every horizon against persistence.
 * `-- --save-models DIR` also writes the selected artefacts as `DIR/forecast-<name>/model.json`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import {
  ForecastSelector,
  fitBoosted,
  fitLinearAr,
  lastValue,
  maePerHorizon,
  movingAverage,
  parseSeries,
  seasonalNaive,
  windowsOf,
  type ForecastContext,
  type Forecaster,
} from '../models/index.js';

const dataDir =
  process.env.SHARDFLOW_DATA_DIR ?? fileURLToPath(new URL('../data/', import.meta.url));
const saveAt = process.argv.indexOf('--save-models');
const saveDir = saveAt >= 0 ? process.argv[saveAt + 1] : undefined;

/** A series split in time, with the other measures of the same key (multivariate models). */
interface Dataset {
  name: string;
  measure: string;
  train: number[];
  test: number[];
  /** Other measures by pipeline name, split like the target. */
  covariates: { train: Record<string, number[]>; test: Record<string, number[]> };
  testRange: string;
}

const text = (file: string) => {
  const bytes = readFileSync(join(dataDir, file));
  return (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
};

/** Columns of a file by CSV header → pipeline measure name. */
function columns(file: string, names: Record<string, string>): Record<string, number[]> {
  const t = text(file);
  return Object.fromEntries(
    Object.entries(names).map(([column, name]) => [name, parseSeries(t, { column })]),
  );
}

const splitAt = <T>(r: Record<string, T[]>, from: number, to?: number) =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.slice(from, to)]));
const without = (r: Record<string, number[]>, name: string) => {
  const { [name]: _, ...rest } = r;
  return rest;
};

const household = columns('household/hpc_minute_2006-12-16_to_27_all_measures.txt.gz', {
  Global_active_power: 'globalActivePower',
  Global_reactive_power: 'globalReactivePower',
  Voltage: 'voltage',
  Global_intensity: 'globalIntensity',
  Sub_metering_1: 'subMetering1',
  Sub_metering_2: 'subMetering2',
  Sub_metering_3: 'subMetering3',
});
const power = household.globalActivePower as number[];
const split = Math.floor(power.length * 0.7);
const airNames = { Temperature: 'temperature', Humidity: 'humidity', CO2: 'co2' };
const airTrain = columns('indoor_air/occupancy_datatraining.txt', airNames);
const airTest = columns('indoor_air/occupancy_datatest2.txt', airNames);
const air = (name: string) => ({
  train: airTrain[name] as number[],
  test: airTest[name] as number[],
  covariates: { train: without(airTrain, name), test: without(airTest, name) },
  testRange: 'occupancy_datatest2 (11–18 Feb 2015); trained on 4–10 Feb',
});
const datasets: Dataset[] = [
  {
    name: 'household-power',
    measure: 'globalActivePower (kW)',
    train: power.slice(0, split),
    test: power.slice(split),
    covariates: {
      train: splitAt(without(household, 'globalActivePower'), 0, split),
      test: splitAt(without(household, 'globalActivePower'), split),
    },
    testRange: 'last 30 % of 16–27 Dec 2006 (≈ 24–27 Dec)',
  },
  { name: 'indoor-co2', measure: 'CO2 (ppm)', ...air('co2') },
  { name: 'indoor-temperature', measure: 'Temperature (°C)', ...air('temperature') },
];

const LAMBDAS = [1e-4, 1e-3, 1e-2, 1e-1, 1];

const SPANS = [2, 3, 5, 10, 15, 30, 60];

function chooseLambda(train: number[], spans?: readonly number[]): number {
  const cut = Math.floor(train.length * 0.8);
  const val = windowsOf(train.slice(cut - 60), 60, 15);
  let best = LAMBDAS[0] as number;
  let bestErr = Infinity;
  for (const lambda of LAMBDAS) {
    const m = fitLinearAr(train.slice(0, cut), { lambda, stride: 3, ...(spans ? { spans } : {}) });
    const err = maePerHorizon(m, val.inputs, val.targets).reduce((s, v) => s + v, 0);
    if (err < bestErr) {
      bestErr = err;
      best = lambda;
    }
  }
  return best;
}

/** The other measures of the window ending before `t` (what the pipeline's look-back holds). */
const contextAt = (covariates: Record<string, number[]>, t: number): ForecastContext => ({
  covariates: Object.fromEntries(
    Object.entries(covariates).map(([k, v]) => [k, v.slice(t - 60, t)]),
  ),
});

/** Windows and targets (as windowsOf) with each window's context. */
function testWindows(d: Dataset) {
  const inputs: number[][] = [];
  const targets: number[][] = [];
  const contexts: ForecastContext[] = [];
  for (let t = 60; t + 15 <= d.test.length; t += 1) {
    const slice = d.test.slice(t - 60, t + 15);
    if (slice.some((v) => !Number.isFinite(v))) continue;
    inputs.push(slice.slice(0, 60));
    targets.push(slice.slice(60));
    contexts.push(contextAt(d.covariates.test, t));
  }
  return { inputs, targets, contexts };
}

/** MAE per step ahead of a model given the windows' contexts. */
function maeWith(
  m: Forecaster,
  w: { inputs: number[][]; targets: number[][]; contexts: ForecastContext[] },
): number[] {
  const sums = new Array<number>(15).fill(0);
  m.predict(w.inputs, w.contexts).forEach((p, i) =>
    p.forEach(
      (v, h) => (sums[h] = (sums[h] as number) + Math.abs(v - (w.targets[i]?.[h] as number))),
    ),
  );
  return sums.map((x) => x / Math.max(1, w.inputs.length));
}

/** MAE per horizon of the selector run step by step over a series (the same windows as windowsOf). */
function selectionMae(selector: ForecastSelector, d: Dataset): number[] {
  const series = d.test;
  const sums = new Array<number>(15).fill(0);
  let n = 0;
  let state = selector.initialState();
  for (let t = 60; t + 15 <= series.length; t += 1) {
    const slice = series.slice(t - 60, t + 15);
    if (slice.some((v) => !Number.isFinite(v))) continue;
    const r = selector.step(state, t - 1, slice.slice(0, 60), contextAt(d.covariates.test, t));
    state = r.state;
    r.forecast.values.forEach((v, h) => {
      sums[h] = (sums[h] as number) + Math.abs(v - (slice[60 + h] as number));
    });
    n += 1;
  }
  return sums.map((x) => x / Math.max(1, n));
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(4));
const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
for (const d of datasets) {
  const lambda = chooseLambda(d.train);
  const full = fitLinearAr(d.train, { lambda });
  const compactLambda = chooseLambda(d.train, SPANS);
  const ar = fitLinearAr(d.train, { lambda: compactLambda, spans: SPANS });
  const started = performance.now();
  const boosted = fitBoosted({ target: d.train, covariates: d.covariates.train });
  const fitSeconds = (performance.now() - started) / 1000;
  if (saveDir) {
    mkdirSync(join(saveDir, `forecast-${d.name}`), { recursive: true });
    writeFileSync(
      join(saveDir, `forecast-${d.name}`, 'model.json'),
      `${JSON.stringify(boosted.toJSON())}\n`,
    );
  }
  const models: [string, Forecaster][] = [
    ['last value', lastValue()],
    ['moving average 60', movingAverage()],
    ['moving average 15', movingAverage({ span: 15 })],
    ['seasonal naive 60', seasonalNaive({ period: 60 })],
    [`linear AR, 60 lags (λ=${lambda})`, full],
    [`linear AR, span means (λ=${compactLambda})`, ar],
    [`boosted trees + ${Object.keys(d.covariates.train).length} other measures`, boosted],
  ];
  const w = testWindows(d);
  const results = models.map(([name, m]) => ({ name, mae: maeWith(m, w) }));
  const candidates = [movingAverage({ span: 5 }), movingAverage({ span: 15 }), full, ar, boosted];
  const selection = selectionMae(new ForecastSelector({ candidates }), d);
  results.push({ name: 'online selection (Hedge over the above, per horizon)', mae: selection });
  const base = results[0]?.mae as number[];
  const ma = results[1]?.mae as number[];
  const boostedMae = results[6]?.mae as number[];
  console.log(
    `\n${d.name}: ${d.measure}; train ${d.train.length} min, test ${d.test.length} min (${d.testRange}); ${w.inputs.length} test windows; boosted trees fitted in ${fitSeconds.toFixed(0)} s, artefact ${(JSON.stringify(boosted.toJSON()).length / 1024).toFixed(0)} KB`,
  );
  const header = [
    'model',
    'h=1',
    'h=5',
    'h=10',
    'h=15',
    'mean 1–15',
    '÷ last value',
    '÷ moving avg 60',
  ];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const r of results) {
    const m = mean(r.mae);
    console.log(
      `| ${[
        r.name,
        fmt(r.mae[0] as number),
        fmt(r.mae[4] as number),
        fmt(r.mae[9] as number),
        fmt(r.mae[14] as number),
        fmt(m),
        (m / mean(base)).toFixed(3),
        (m / mean(ma)).toFixed(3),
      ].join(' | ')} |`,
    );
  }
  console.log(`\n${d.name}, every horizon (MAE; ratios ÷ last value):`);
  console.log('| h | last value | boosted trees | selection | boosted ÷ | selection ÷ |');
  console.log('|---|---|---|---|---|---|');
  for (let h = 0; h < 15; h += 1) {
    const b = base[h] as number;
    console.log(
      `| ${h + 1} | ${fmt(b)} | ${fmt(boostedMae[h] as number)} | ${fmt(selection[h] as number)} | ${((boostedMae[h] as number) / b).toFixed(3)} | ${((selection[h] as number) / b).toFixed(3)} |`,
    );
  }
  const worst = Math.max(...selection.map((v, h) => v / (base[h] as number)));
  console.log(
    `| mean | ${fmt(mean(base))} | ${fmt(mean(boostedMae))} | ${fmt(mean(selection))} | ${(mean(boostedMae) / mean(base)).toFixed(3)} | **${(mean(selection) / mean(base)).toFixed(3)}** (worst horizon ${worst.toFixed(3)}) |`,
  );
}

(await import('./forecast-monthly.js')).monthlyForecastSection(dataDir);
