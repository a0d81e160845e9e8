/**
 * @module bench/forecast
 * `npm run bench:forecast`: mean absolute error per step ahead of each forecaster on a
 * held-out time range of the public household-power and indoor-air data
 * shipped in `data/` (or SHARDFLOW_DATA_DIR), side by side with the baselines and the online
 * selection (Hedge over the candidates per horizon, `models/forecast/selector.ts`). The ridge
 * penalty of the linear AR model is chosen on the last 20 % of the training range only.
 * `-- --save-models DIR` also writes the fitted AR artefacts as `DIR/<name>/model.json`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ForecastSelector,
  fitLinearAr,
  lastValue,
  maePerHorizon,
  movingAverage,
  parseSeries,
  seasonalNaive,
  windowsOf,
  type Forecaster,
} from '../models/index.js';

const dataDir =
  process.env.SHARDFLOW_DATA_DIR ?? fileURLToPath(new URL('../data/', import.meta.url));
const saveAt = process.argv.indexOf('--save-models');
const saveDir = saveAt >= 0 ? process.argv[saveAt + 1] : undefined;

interface Dataset {
  name: string;
  measure: string;
  train: number[];
  test: number[];
  testRange: string;
}

const read = (file: string, column: string) =>
  parseSeries(readFileSync(join(dataDir, file), 'utf8'), { column });

const power = read('household/hpc_minute_2006-12-16_to_27_active_power.txt', 'Global_active_power');
const split = Math.floor(power.length * 0.7);
const datasets: Dataset[] = [
  {
    name: 'household-power',
    measure: 'globalActivePower (kW)',
    train: power.slice(0, split),
    test: power.slice(split),
    testRange: 'last 30 % of 16–27 Dec 2006 (≈ 24–27 Dec)',
  },
  {
    name: 'indoor-co2',
    measure: 'CO2 (ppm)',
    train: read('indoor_air/occupancy_datatraining.txt', 'CO2'),
    test: read('indoor_air/occupancy_datatest2.txt', 'CO2'),
    testRange: 'occupancy_datatest2 (11–18 Feb 2015); trained on 4–10 Feb',
  },
  {
    name: 'indoor-temperature',
    measure: 'Temperature (°C)',
    train: read('indoor_air/occupancy_datatraining.txt', 'Temperature'),
    test: read('indoor_air/occupancy_datatest2.txt', 'Temperature'),
    testRange: 'occupancy_datatest2 (11–18 Feb 2015); trained on 4–10 Feb',
  },
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

/** MAE per horizon of the selector run step by step over a series (the same windows as windowsOf). */
function selectionMae(selector: ForecastSelector, series: readonly number[]): number[] {
  const sums = new Array<number>(15).fill(0);
  let n = 0;
  let state = selector.initialState();
  for (let t = 60; t + 15 <= series.length; t += 1) {
    const slice = series.slice(t - 60, t + 15);
    if (slice.some((v) => !Number.isFinite(v))) continue;
    const r = selector.step(state, t - 1, slice.slice(0, 60));
    state = r.state;
    r.forecast.values.forEach((v, h) => {
      sums[h] = (sums[h] as number) + Math.abs(v - (slice[60 + h] as number));
    });
    n += 1;
  }
  return sums.map((x) => x / Math.max(1, n));
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(4));
for (const d of datasets) {
  const lambda = chooseLambda(d.train);
  const full = fitLinearAr(d.train, { lambda });
  const compactLambda = chooseLambda(d.train, SPANS);
  const ar = fitLinearAr(d.train, { lambda: compactLambda, spans: SPANS });
  if (saveDir) {
    mkdirSync(join(saveDir, `forecast-${d.name}`), { recursive: true });
    writeFileSync(
      join(saveDir, `forecast-${d.name}`, 'model.json'),
      `${JSON.stringify(ar.toJSON())}\n`,
    );
  }
  const models: [string, Forecaster][] = [
    ['last value', lastValue()],
    ['moving average 60', movingAverage()],
    ['moving average 15', movingAverage({ span: 15 })],
    ['seasonal naive 60', seasonalNaive({ period: 60 })],
    [`linear AR, 60 lags (λ=${lambda})`, full],
    [`linear AR, span means (λ=${compactLambda})`, ar],
  ];
  const { inputs, targets } = windowsOf(d.test, 60, 15);
  const results = models.map(([name, m]) => ({ name, mae: maePerHorizon(m, inputs, targets) }));
  const candidates = [movingAverage({ span: 5 }), movingAverage({ span: 15 }), full, ar];
  results.push({
    name: 'online selection (Hedge over the above, per horizon)',
    mae: selectionMae(new ForecastSelector({ candidates }), d.test),
  });
  const base = results[0]?.mae as number[];
  const ma = results[1]?.mae as number[];
  const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
  console.log(
    `\n${d.name}: ${d.measure}; train ${d.train.length} min, test ${d.test.length} min (${d.testRange}); ${inputs.length} test windows`,
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
}
(await import('./forecast-monthly.js')).monthlyForecastSection(dataDir);
