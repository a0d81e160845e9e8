/**
 * @module bench/forecast
 * `npm run bench:forecast`: mean absolute error per step ahead of each forecaster on the
 * held-out time ranges of the public household-power and indoor-air data shipped in `data/`
 * (or SHARDFLOW_DATA_DIR; indoor air: both test files of the data set, each and pooled),
 * side by side with the baselines and the online
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
  lastValue,
  movingAverage,
  parseSeries,
  seasonalNaive,
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
  type Span,
} from './forecast-eval.js';
import { deviceSpec } from '../pipelines/devices/index.js';
import { fitModels, type FittedModels } from './forecast-fit.js';
import { PooledMae, printBar, printRange } from './forecast-report.js';
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

/** A held-out range of a series, with the other measures of the key over the same time. */
interface TestRange {
  readonly label: string;
  readonly span: Span;
}

/** A series' training range and held-out ranges, with the key's other measures (multivariate). */
interface Dataset {
  name: string;
  measure: string;
  train: number[];
  /** Other measures by pipeline name over the training range. */
  covariates: Record<string, number[]>;
  tests: TestRange[];
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
/** The data set's two test files: before and after the training week (4–10 Feb 2015). */
const airTests = [
  ['occupancy_datatest2, 11–18 Feb 2015', 'indoor_air/occupancy_datatest2.txt'],
  ['occupancy_datatest, 2–4 Feb 2015', 'indoor_air/occupancy_datatest.txt'],
].map(([label, file]) => ({ label: label as string, data: columns(file as string, airNames) }));
const air = (name: string) => ({
  train: airTrain[name] as number[],
  covariates: without(airTrain, name),
  tests: airTests.map((t) => ({
    label: `${t.label}; trained on 4–10 Feb`,
    span: { series: t.data[name] as number[], covariates: without(t.data, name) },
  })),
});
const householdOthers = without(household, 'globalActivePower');
const datasets: Dataset[] = [
  {
    name: 'household-power',
    measure: 'globalActivePower (kW)',
    train: power.slice(0, split),
    covariates: splitAt(householdOthers, 0, split),
    tests: [
      {
        label: 'last 30 % of 16–27 Dec 2006 (≈ 24–27 Dec)',
        span: { series: power.slice(split), covariates: splitAt(householdOthers, split) },
      },
    ],
  },
  { name: 'indoor-co2', measure: 'CO2 (ppm)', ...air('co2') },
  { name: 'indoor-temperature', measure: 'Temperature (°C)', ...air('temperature') },
];

/** The devices pipeline's default candidates besides persistence (no trained model), as shipped. */
const shippedSpec = deviceSpec().forecast;
const shipped: Forecaster[] = shippedSpec
  ? [shippedSpec.forecaster, ...(shippedSpec.select?.candidates ?? [])]
  : [];

/** The selection's candidates besides persistence. */
const candidatesOf = (m: FittedModels): Forecaster[] => [
  movingAverage({ span: 5 }),
  movingAverage({ span: 15 }),
  m.trend,
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
      const models = fitModels(d.train.slice(0, cut), splitAt(d.covariates, 0, cut));
      const span = {
        series: d.train.slice(cut - 60, end),
        covariates: splitAt(d.covariates, cut - 60, end),
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
  for (const d of datasets) for (const t of d.tests) printBounds(`${d.name} (${t.label})`, t.span);
  process.exit(0);
}

for (const d of datasets) {
  const fitted = fitModels(d.train, d.covariates);
  const { lambda, compactLambda, full, ar, boosted, trend, fitSeconds } = fitted;
  if (saveDir) {
    mkdirSync(join(saveDir, `forecast-${d.name}`), { recursive: true });
    writeFileSync(
      join(saveDir, `forecast-${d.name}`, 'model.json'),
      `${JSON.stringify(boosted.toJSON())}\n`,
    );
  }
  const t = trend.toJSON();
  const models: [string, Forecaster][] = [
    ['last value', lastValue()],
    ['moving average 60', movingAverage()],
    ['moving average 15', movingAverage({ span: 15 })],
    ['seasonal naive 60', seasonalNaive({ period: 60 })],
    [`damped trend (span ${String(t.span)}, φ=${String(t.damping)})`, trend],
    [`linear AR, 60 lags (λ=${lambda})`, full],
    [`linear AR, span means (λ=${compactLambda})`, ar],
    [`boosted trees + ${Object.keys(d.covariates).length} other measures`, boosted],
  ];
  const pooled = new PooledMae();
  for (const test of d.tests) {
    const w = windowsOf(test.span);
    const results = models.map(([name, m]) => ({ name, mae: maeWith(m, w) }));
    const select = (candidates: Forecaster[]) =>
      selectionMae(
        new ForecastSelector({ ...selectorSettings, candidates }),
        w,
        windowEnds(test.span),
      );
    // without a trained model: the averages alone, and the pipelines' default set as shipped
    results.push(
      {
        name: 'selection, untrained (last value, moving averages 5 and 15)',
        mae: select([movingAverage({ span: 5 }), movingAverage({ span: 15 })]),
      },
      {
        name: `selection, untrained as the pipelines' default (last value, ${shipped.map((c) => c.kind).join(', ')})`,
        mae: select(shipped),
      },
    );
    const selection = select(candidatesOf(fitted));
    results.push({ name: 'online selection (Hedge over the above, per horizon)', mae: selection });
    const title = `${d.name}: ${d.measure}; train ${d.train.length} min, test ${test.span.series.length} min (${test.label}); ${w.inputs.length} test windows; boosted trees fitted in ${fitSeconds.toFixed(0)} s, artefact ${(JSON.stringify(boosted.toJSON()).length / 1024).toFixed(0)} KB`;
    printRange(title, results, 7);
    const base = results[0]?.mae as number[];
    printBar(`${d.name} (${test.label})`, base, selection);
    pooled.add(w.inputs.length, { base, selection });
  }
  if (d.tests.length > 1)
    printBar(
      `${d.name}, all ${d.tests.length} held-out ranges pooled (MAE over every window)`,
      pooled.mae('base'),
      pooled.mae('selection'),
    );
}

monthlyForecastSection(dataDir);
