/**
 * @module bench/forecast-bounds
 * `npm run bench:forecast -- --bounds`: how far below persistence a series can be forecast
 * AT ALL by the model classes shardflow has, measured by cheating on purpose — models fitted
 * on the test range itself. A linear AR model (absolute loss, 60 lags) fitted on the whole
 * test range and scored on the same windows (in-sample: the best linear forecaster of those
 * inputs, knowing the answers), and boosted trees fitted on one half of the test range and
 * scored on the other (in-domain, cross-fitted). If these do not reach a bar, no honest
 * model of the same class and inputs will. Not used to choose anything.
 */
import { fitBoosted, fitLinearAr, lastValue, type Forecaster } from '../models/index.js';
import { maeWith, windowsOf, type Span } from './forecast-eval.js';

const mean = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;

const slice = (span: Span, from: number, to?: number): Span => ({
  series: span.series.slice(from, to),
  covariates: Object.fromEntries(
    Object.entries(span.covariates).map(([k, v]) => [k, v.slice(from, to)]),
  ),
});

/** Mean MAE over horizons ÷ persistence's and the worst horizon's ratio, on a span. */
function ratios(m: Forecaster, span: Span): { mean: number; worst: number } {
  const w = windowsOf(span);
  const mae = maeWith(m, w);
  const base = maeWith(lastValue(), w);
  return { mean: mean(mae) / mean(base), worst: Math.max(...mae.map((e, h) => e / base[h]!)) };
}

/** Prints the bounds table of one test span. */
export function printBounds(name: string, test: Span): void {
  const half = Math.floor(test.series.length / 2);
  const first = slice(test, 0, half);
  const second = slice(test, half);
  const fit = (s: Span) => fitBoosted({ target: s.series, covariates: s.covariates });
  const rows: [string, { mean: number; worst: number }][] = [
    [
      'linear AR (60 lags, absolute loss) fitted on the whole test range, in-sample',
      ratios(fitLinearAr(test.series, { lambda: 1e-3 }), test),
    ],
    [
      'boosted trees + other measures fitted on the 1st half, scored on the 2nd',
      ratios(fit(first), second),
    ],
    [
      'boosted trees + other measures fitted on the 2nd half, scored on the 1st',
      ratios(fit(second), first),
    ],
  ];
  console.log(`\n${name}, upper bounds (models fitted on the test range; ÷ last value):`);
  console.log('| model | mean 1–15 ÷ | worst horizon ÷ |');
  console.log('|---|---|---|');
  for (const [label, r] of rows)
    console.log(`| ${label} | ${r.mean.toFixed(3)} | ${r.worst.toFixed(3)} |`);
}
