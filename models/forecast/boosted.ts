/**
 * @module models/forecast/boosted
 * A direct multi-horizon forecaster of boosted regression trees (`gbt.ts`, absolute-error
 * loss): one ensemble per step ahead predicting the change from the window's last value, on
 * features of the window (level, recent means, range and differences), of the key's other
 * measures (`covariates`, e.g. a household's sub-metering — multivariate, as the
 * household-power seed's LSTM was). Trees capture what the
 * linear AR models cannot: that a spike reverts while a level shift stays, that an appliance
 * cycle ends (hour-of-day features were tried and dropped: no gain on held-out data). A
 * window whose covariates are missing is forecast by persistence.
 * Invariant: the JSON artefact restores identical predictions.
 */
import { ConfigError } from '../../core/index.js';
import {
  DEFAULT_HORIZON,
  DEFAULT_INPUT_LENGTH,
  checkSizes,
  checkWindows,
  type ForecastContext,
  type Forecaster,
  type ForecasterArtefact,
} from './forecaster.js';
import { checkGbt, fitGbt, predictGbt, type GbtEnsemble, type GbtOptions } from './gbt.js';

/** Means of the last s values used as features (those ≤ inputLength). */
const SPANS = [2, 3, 5, 10, 15, 30, 60];

/** The artefact of a boosted-trees forecaster. */
export interface BoostedArtefact extends ForecasterArtefact {
  readonly kind: 'boosted-trees';
  readonly covariates: readonly string[];
  /** One ensemble per step ahead. */
  readonly ensembles: GbtEnsemble[];
}

/** What {@link boostedTrees} builds a forecaster from (the artefact without its tags). */
export interface BoostedParameters {
  readonly inputLength: number;
  readonly horizon: number;
  readonly covariates: readonly string[];
  readonly ensembles: GbtEnsemble[];
}

/** Training data of {@link fitBoosted}: aligned one-step series (NaN: missing). */
export interface BoostedData {
  readonly target: readonly number[];
  /** Other measures of the same key, aligned with `target`. */
  readonly covariates?: Readonly<Record<string, readonly number[]>>;
}

/** Options of {@link fitBoosted}. */
export interface BoostedOptions extends GbtOptions {
  readonly inputLength?: number;
  readonly horizon?: number;
  /** Use every `stride`-th window for fitting; default 1. */
  readonly stride?: number;
  /**
   * Share of the windows (the most recent) held out to decide, per step ahead, whether the
   * trees beat persistence; a step where they do not is left to persistence (an empty
   * ensemble), then the kept steps are refitted on every window. Default 0.2; 0 keeps all.
   */
  readonly validation?: number;
}

/** An ensemble that adds nothing: the forecast is the last value (persistence). */
const PERSISTENCE: GbtEnsemble = { base: 0, trees: [] };

const mean = (w: ArrayLike<number>, from: number, to: number): number => {
  let s = 0;
  for (let i = from; i < to; i += 1) s += w[i] as number;
  return s / (to - from);
};

/** The feature vector of one window (length = inputLength); see the module doc. */
function featuresOf(
  w: ArrayLike<number>,
  covariates: readonly (ArrayLike<number> | undefined)[],
): number[] {
  const n = w.length;
  const last = w[n - 1] as number;
  const x = [last];
  for (const s of SPANS) if (s <= n) x.push(mean(w, n - s, n) - last);
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i += 1) {
    lo = Math.min(lo, w[i] as number);
    hi = Math.max(hi, w[i] as number);
  }
  const back = (k: number) => last - (w[Math.max(0, n - 1 - k)] as number);
  x.push(hi - last, lo - last, back(1), back(5));
  for (const c of covariates) {
    const cl = (c?.[n - 1] ?? NaN) as number;
    x.push(
      cl,
      c ? cl - mean(c, 0, n) : NaN,
      c ? cl - (c[Math.max(0, n - 6)] as number) : NaN,
      c ? cl - mean(c, Math.max(0, n - 15), n) : NaN,
    );
  }
  return x;
}

/** Builds the forecaster of a fitted (or restored) artefact. */
export function boostedTrees(artefact: BoostedParameters): Forecaster {
  const { inputLength, horizon } = artefact;
  checkSizes(inputLength, horizon);
  const covariates = [...(artefact.covariates ?? [])];
  if (covariates.some((c) => typeof c !== 'string'))
    throw new ConfigError('covariates', 'must be measure names');
  const width = 5 + SPANS.filter((s) => s <= inputLength).length + 4 * covariates.length;
  if (!Array.isArray(artefact.ensembles) || artefact.ensembles.length !== horizon)
    throw new ConfigError('ensembles', `must be ${horizon} ensembles`);
  const ensembles = artefact.ensembles.map((e, h) => checkGbt(e, width, `ensembles[${h}]`));
  const usable = (c: ForecastContext | undefined): boolean =>
    covariates.every((name) => {
      const v = c?.covariates?.[name];
      return v !== undefined && v.length === inputLength && v.every(Number.isFinite);
    });
  return {
    kind: 'boosted-trees',
    inputLength,
    horizon,
    covariates,
    predict(windows, contexts) {
      checkWindows(windows, inputLength);
      return windows.map((w, i) => {
        const last = w[inputLength - 1] as number;
        const context = contexts?.[i];
        if (!usable(context)) return new Array<number>(horizon).fill(last);
        const x = featuresOf(
          w,
          covariates.map((name) => context?.covariates?.[name]),
        );
        return ensembles.map((e) => last + predictGbt(e, x));
      });
    },
    toJSON: (): BoostedArtefact => ({
      format: 'shardflow-forecaster',
      kind: 'boosted-trees',
      inputLength,
      horizon,
      covariates,
      ensembles,
    }),
  };
}

/**
 * Fits one ensemble per step ahead on every complete window of the data (windows touching
 * a missing target or covariate are skipped).
 *
 * @example
 * const model = fitBoosted({ target: power, covariates: { subMetering3 } }, { trees: 60 });
 */
export function fitBoosted(data: BoostedData, options: BoostedOptions = {}): Forecaster {
  const {
    inputLength = DEFAULT_INPUT_LENGTH,
    horizon = DEFAULT_HORIZON,
    stride = 1,
    validation = 0.2,
    ...gbt
  } = options;
  if (!(validation >= 0 && validation < 1))
    throw new ConfigError('validation', 'must be in [0, 1)');
  checkSizes(inputLength, horizon);
  if (!Number.isInteger(stride) || stride < 1) throw new ConfigError('stride', 'must be ≥ 1');
  const { target } = data;
  const names = Object.keys(data.covariates ?? {});
  const series = names.map((name) => data.covariates?.[name] as readonly number[]);
  if (series.some((s) => s.length !== target.length))
    throw new ConfigError('covariates', 'must be as long as the target');
  const complete = (i: number) =>
    Number.isFinite(target[i]) && series.every((s) => Number.isFinite(s[i]));
  // run length of complete values ending at each index
  const run = new Int32Array(target.length);
  for (let i = 0; i < target.length; i += 1)
    run[i] = complete(i) ? (i > 0 ? (run[i - 1] as number) : 0) + 1 : 0;
  const rows: number[][] = [];
  const deltas: number[][] = Array.from({ length: horizon }, () => []);
  for (let t = inputLength; t + horizon <= target.length; t += stride) {
    if ((run[t + horizon - 1] as number) < inputLength + horizon) continue;
    const last = target[t - 1] as number;
    rows.push(
      featuresOf(
        target.slice(t - inputLength, t),
        series.map((s) => s.slice(t - inputLength, t)),
      ),
    );
    for (let h = 0; h < horizon; h += 1) deltas[h]?.push((target[t + h] as number) - last);
  }
  if (rows.length < 100)
    throw new ConfigError('series', `too short: ${rows.length} complete windows (need 100)`);
  const fit = (h: number, to: number) =>
    fitGbt(rows.slice(0, to), (deltas[h] as number[]).slice(0, to), {
      ...gbt,
      seed: (gbt.seed ?? 1) + h,
    });
  // held-out windows start `horizon` windows after the fitted ones (no overlapping targets)
  const cut = Math.floor(rows.length * (1 - validation));
  const held = rows.slice(cut + horizon);
  const ensembles = deltas.map((d, h) => {
    if (validation === 0 || held.length === 0) return fit(h, rows.length);
    const trial = fit(h, cut);
    let trees = 0;
    let persistence = 0;
    held.forEach((x, i) => {
      const actual = d[cut + horizon + i] as number;
      trees += Math.abs(actual - predictGbt(trial, x));
      persistence += Math.abs(actual);
    });
    return trees < persistence ? fit(h, rows.length) : PERSISTENCE;
  });
  return boostedTrees({ inputLength, horizon, covariates: names, ensembles });
}
