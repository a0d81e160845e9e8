/**
 * @module bench/forecast-fit
 * The learned candidates of `npm run bench:forecast`, fitted on a training range only: the
 * ridge penalty of the linear AR models chosen on the range's last 20 %, the damped trend's
 * span and damping chosen on the range's windows, and the boosted trees on the key's other
 * measures with their default settings.
 */
import {
  dampedTrend,
  fitBoosted,
  fitLinearAr,
  maePerHorizon,
  windowsOf as seriesWindows,
  type Forecaster,
} from '../models/index.js';

const LAMBDAS = [1e-4, 1e-3, 1e-2, 1e-1, 1];

/** Span means of the compact linear AR model. */
export const SPANS = [2, 3, 5, 10, 15, 30, 60];

/** The ridge penalty with the least validation MAE (last 20 % of the training range). */
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

const TREND_SPANS = [10, 20, 30, 60];
const DAMPINGS = [0.8, 0.9, 0.95, 1];

/** The damped trend's span and damping with the least MAE over the training span's windows. */
function chooseTrend(train: number[]): Forecaster {
  const w = seriesWindows(train, 60, 15);
  const sum = (xs: number[]) => xs.reduce((s, v) => s + v, 0);
  const grid = TREND_SPANS.flatMap((span) => DAMPINGS.map((damping) => ({ span, damping })));
  const scored = grid.map((o) => {
    const m = dampedTrend(o);
    return { m, err: sum(maePerHorizon(m, w.inputs, w.targets)) };
  });
  return scored.reduce((a, b) => (b.err < a.err ? b : a)).m;
}

/** The linear AR, damped-trend and boosted-trees candidates fitted on a training span. */
export function fitModels(train: number[], covariates: Record<string, number[]>) {
  const trend = chooseTrend(train);
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
    trend,
    fitSeconds: (performance.now() - started) / 1000,
  };
}

/** What {@link fitModels} returns. */
export type FittedModels = ReturnType<typeof fitModels>;
