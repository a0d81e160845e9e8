/**
 * @module bench/forecast
 * `npm run bench:forecast`: mean absolute error per step ahead of each forecaster on a
 * held-out time range of the public household-power and indoor-air data
 * shipped in `data/` (or SHARDFLOW_DATA_DIR), side by side with the baselines and the online
 * selection (Hedge over the candidates per horizon, `models/forecast/selector.ts`, with its
 * default settings). The ridge penalty of the linear AR model is chosen on the last 20 % of
 * the training range only; the boosted trees (multivariate: the key's other measures) use
 * their default settings. A second table per series gives every horizon against persistence.
 * `-- --tune` instead ranks selector settings on the training ranges only (rolling origin:
 * candidates fitted on the first 50 % / 70 %, the selection scored on 50–70 % / 70–100 %);
 * the selector's defaults are its first row. `-- --bounds` prints what models fitted on the
 * test range itself reach (`forecast-bounds.ts`: how low a bar can be set, not a result).
 * `-- --selector '<JSON settings>'` runs the selection with other settings than the defaults.
 * `-- --save-models DIR` also writes the selected artefacts as `DIR/forecast-<name>/model.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ForecastSelector,
  fitBoosted,
  fitLinearAr,
  lastValue,
  maePerHorizon,
  movingAverage,
  parseSeries,
  seasonalNaive,
  windowsOf as seriesWindows,
  type Forecaster,
} from '../models/index.js';
import {
  excess,
  maeWith,
  meanRatio,
  selectionMae,
  tuneSelector,
  windowEnds,
  windowsOf,
  type Settings,
} from './forecast-eval.js';
import { printBounds } from './forecast-bounds.js';
import { dataText, monthlyForecastSection } from './forecast-monthly.js';

const dataDir =
  process.env.SHARDFLOW_DATA_DIR ?? fileURLToPath(new URL('../data/', import.meta.url));
const saveAt = process.argv.indexOf('--save-models');
const saveDir = saveAt >= 0 ? process.argv[saveAt + 1] : undefined;
const selectorAt = process.argv.indexOf('--selector');
/** Selector settings other than the defaults (`-- --selector '{"margin":0.1}'`), for sensitivity. */
const selectorSettings = (
  selectorAt >= 0 ? JSON.parse(process.argv[selectorAt + 1] ?? '{}') : {}
) as Settings;

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

/** Columns of a file by CSV header → pipeline measure name. */
function columns(file: string, names: Record<string, string>): Record<string, number[]> {
  const t = dataText(dataDir, file);
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
  const val = seriesWindows(train.slice(cut - 60), 60, 15);
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

/** The linear AR and boosted-trees candidates fitted on a training span. */
function fitModels(train: number[], covariates: Record<string, number[]>) {
  const lambda = chooseLambda(train);
  const compactLambda = chooseLambda(train, SPANS);
  const started = performance.now();
  const boosted = fitBoosted({ target: train, covariates });
  return {
    lambda,
    compactLambda,
    full: fitLinearAr(train, { lambda }),
    ar: fitLinearAr(train, { lambda: compactLambda, spans: SPANS }),
    boosted,
    fitSeconds: (performance.now() - started) / 1000,
  };
}

/** The selection's candidates besides persistence. */
const candidatesOf = (m: ReturnType<typeof fitModels>): Forecaster[] => [
  movingAverage({ span: 5 }),
  movingAverage({ span: 15 }),
  m.full,
  m.ar,
  m.boosted,
];

if (process.argv.includes('--tune')) {
  // choose the selector's settings on the training ranges only (rolling origin, two folds):
  // candidates fitted on the first 50 % of each, the selection scored on 50–70 %; then
  // fitted on the first 70 %, scored on the last 30 %
  const folds: [number, number][] = [
    [0.5, 0.7],
    [0.7, 1],
  ];
  const validations = datasets.flatMap((d) =>
    folds.map(([from, to]) => {
      const cut = Math.floor(d.train.length * from);
      const end = Math.floor(d.train.length * to);
      const models = fitModels(d.train.slice(0, cut), splitAt(d.covariates.train, 0, cut));
      const span = {
        series: d.train.slice(cut - 60, end),
        covariates: splitAt(d.covariates.train, cut - 60, end),
      };
      return {
        name: `${d.name} ${from * 100}–${to * 100} %`,
        span,
        candidates: candidatesOf(models),
      };
    }),
  );
  const started = performance.now();
  const ranked = tuneSelector(validations);
  console.log(
    `\nselector settings on the validation ranges (mean ÷ last value; worst horizon), ranked by the worst overshoot of any horizon, then the mean; ${ranked.length} settings in ${((performance.now() - started) / 1000).toFixed(0)} s:`,
  );
  console.log(
    `| rank | discount | temperature | margin | short margin | gate (confidence) | overshoot | mean | ${validations.map((v) => v.name).join(' | ')} |`,
  );
  console.log(`|---|---|---|---|---|---|---|---|${validations.map(() => '---').join('|')}|`);
  const defaults = new ForecastSelector({ candidates: [] }).settings;
  const same = (s: Settings) =>
    s.discount === defaults.discount &&
    s.temperature === defaults.temperature &&
    s.margin === defaults.margin &&
    (s.shortMargin ?? 0) === defaults.shortMargin &&
    s.gate === defaults.gate &&
    (s.gate ? (s.confidence ?? 0) === defaults.confidence : true);
  // the top rows, the defaults' row and the best row of each gate setting
  const kind = (s: Settings) => (s.gate ? `yes (${s.confidence ?? 0})` : 'no');
  const firstOfKind = (x: (typeof ranked)[number]) =>
    ranked.find((y) => kind(y.settings) === kind(x.settings)) === x;
  const firstShort = (x: (typeof ranked)[number]) =>
    ranked.find((y) => y.settings.shortMargin === x.settings.shortMargin) === x;
  const shown = ranked.filter(
    (x, i) => i < 10 || same(x.settings) || firstOfKind(x) || firstShort(x),
  );
  for (const r of shown) {
    const s = r.settings;
    const cells = r.mean.map((m, i) => `${m.toFixed(3)} (${(r.worst[i] as number).toFixed(3)})`);
    const rank = `${ranked.indexOf(r) + 1}${same(s) ? ' (defaults)' : ''}`;
    console.log(
      `| ${[rank, s.discount, s.temperature, s.margin, s.shortMargin ?? 0, kind(s), excess(r).toFixed(3), meanRatio(r).toFixed(3), ...cells].join(' | ')} |`,
    );
  }
  process.exit(0);
}

if (process.argv.includes('--bounds')) {
  for (const d of datasets) printBounds(d.name, { series: d.test, covariates: d.covariates.test });
  process.exit(0);
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(4));
const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
for (const d of datasets) {
  const fitted = fitModels(d.train, d.covariates.train);
  const { lambda, compactLambda, full, ar, boosted, fitSeconds } = fitted;
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
  const span = { series: d.test, covariates: d.covariates.test };
  const w = windowsOf(span);
  const results = models.map(([name, m]) => ({ name, mae: maeWith(m, w) }));
  const selector = new ForecastSelector({ ...selectorSettings, candidates: candidatesOf(fitted) });
  const selection = selectionMae(selector, w, windowEnds(span));
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
      `| ${h + 1} | ${fmt(b)} | ${fmt(boostedMae[h] as number)} | ${fmt(selection[h] as number)} | ${((boostedMae[h] as number) / b).toFixed(3)} | ${((selection[h] as number) / b).toFixed(4)} |`,
    );
  }
  const worst = Math.max(...selection.map((v, h) => v / (base[h] as number)));
  console.log(
    `| mean | ${fmt(mean(base))} | ${fmt(mean(boostedMae))} | ${fmt(mean(selection))} | ${(mean(boostedMae) / mean(base)).toFixed(3)} | **${(mean(selection) / mean(base)).toFixed(3)}** (worst horizon ${worst.toFixed(4)}) |`,
  );
  const met = worst <= 1 && mean(selection) <= 0.95 * mean(base);
  console.log(
    `${d.name}: the issue's bar (every horizon ≤ last value, mean ≥ 5 % better) ${met ? 'met' : 'not met'}`,
  );
}

monthlyForecastSection(dataDir);
