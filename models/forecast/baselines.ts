/**
 * @module models/forecast/baselines
 * The baseline forecasters every learned model must beat: persistence (the last value),
 * the moving average of the last `span` values, seasonal naive (the value one
 * `period` earlier, `period ≤ inputLength`) and the damped trend (the last value carried on
 * along the recent slope, flattening out). They need no training.
 * Invariant: each is a pure function of the window.
 */
import { ConfigError } from '../../core/index.js';
import {
  DEFAULT_HORIZON,
  DEFAULT_INPUT_LENGTH,
  checkSizes,
  checkWindows,
  type Forecaster,
  type ForecasterArtefact,
} from './forecaster.js';

/** Options shared by the baselines. */
export interface BaselineOptions {
  readonly inputLength?: number;
  readonly horizon?: number;
}

/** Persistence: every step ahead equals the last observed value. */
export function lastValue(options: BaselineOptions = {}): Forecaster {
  const { inputLength = DEFAULT_INPUT_LENGTH, horizon = DEFAULT_HORIZON } = options;
  checkSizes(inputLength, horizon);
  return {
    kind: 'last-value',
    inputLength,
    horizon,
    predict(windows) {
      checkWindows(windows, inputLength);
      return windows.map((w) => new Array<number>(horizon).fill(w[inputLength - 1] as number));
    },
    toJSON: () => artefact('last-value', inputLength, horizon, {}),
  };
}

/** Moving average of the last `span` values (default: the whole window). */
export function movingAverage(
  options: BaselineOptions & { readonly span?: number } = {},
): Forecaster {
  const {
    inputLength = DEFAULT_INPUT_LENGTH,
    horizon = DEFAULT_HORIZON,
    span = inputLength,
  } = options;
  checkSizes(inputLength, horizon);
  if (!Number.isInteger(span) || span < 1 || span > inputLength)
    throw new ConfigError('span', `must be an integer in [1, ${inputLength}]`);
  return {
    kind: 'moving-average',
    inputLength,
    horizon,
    predict(windows) {
      checkWindows(windows, inputLength);
      return windows.map((w) => {
        let s = 0;
        for (let i = inputLength - span; i < inputLength; i += 1) s += w[i] as number;
        return new Array<number>(horizon).fill(s / span);
      });
    },
    toJSON: () => artefact('moving-average', inputLength, horizon, { span }),
  };
}

/** Seasonal naive: the value `period` steps before each forecast step (repeating the last season). */
export function seasonalNaive(
  options: BaselineOptions & { readonly period?: number } = {},
): Forecaster {
  const {
    inputLength = DEFAULT_INPUT_LENGTH,
    horizon = DEFAULT_HORIZON,
    period = inputLength,
  } = options;
  checkSizes(inputLength, horizon);
  if (!Number.isInteger(period) || period < 1 || period > inputLength)
    throw new ConfigError('period', `must be an integer in [1, ${inputLength}]`);
  return {
    kind: 'seasonal-naive',
    inputLength,
    horizon,
    predict(windows) {
      checkWindows(windows, inputLength);
      return windows.map((w) =>
        Array.from({ length: horizon }, (_, h) => w[inputLength - period + (h % period)] as number),
      );
    },
    toJSON: () => artefact('seasonal-naive', inputLength, horizon, { period }),
  };
}

/** Options of {@link dampedTrend}. */
export interface DampedTrendOptions extends BaselineOptions {
  /** Values the slope is fitted over (least squares), 2 ≤ span ≤ inputLength; default 20. */
  readonly span?: number;
  /** Factor in (0, 1] each further step's trend is damped by (1: a straight line); default 0.95. */
  readonly damping?: number;
}

/**
 * Damped trend (Gardner and McKenzie's damped linear trend without smoothing of the level):
 * step `h` ahead is the last value plus the least-squares slope of the last `span` values
 * times `φ + φ² + … + φʰ`. A rising or falling level (a room filling with people, a warming
 * afternoon) is followed for a while and then flattens out, so long horizons do not shoot
 * off the way a straight line would.
 */
export function dampedTrend(options: DampedTrendOptions = {}): Forecaster {
  const {
    inputLength = DEFAULT_INPUT_LENGTH,
    horizon = DEFAULT_HORIZON,
    span = Math.min(20, inputLength),
    damping = 0.95,
  } = options;
  checkSizes(inputLength, horizon);
  if (!Number.isInteger(span) || span < 2 || span > inputLength)
    throw new ConfigError('span', `must be an integer in [2, ${inputLength}]`);
  if (!(damping > 0 && damping <= 1)) throw new ConfigError('damping', 'must be in (0, 1]');
  // Σ φ^i for i = 1..h, and the centred time of each of the last `span` values
  const gains: number[] = [];
  for (let h = 0, g = 0, p = 1; h < horizon; h += 1) gains.push((g += p *= damping));
  const centre = (span - 1) / 2;
  const sxx = (span * (span * span - 1)) / 12;
  return {
    kind: 'damped-trend',
    inputLength,
    horizon,
    predict(windows) {
      checkWindows(windows, inputLength);
      return windows.map((w) => {
        let sxy = 0;
        for (let i = 0; i < span; i += 1)
          sxy += (i - centre) * (w[inputLength - span + i] as number);
        const slope = sxy / sxx;
        const last = w[inputLength - 1] as number;
        return gains.map((g) => last + slope * g);
      });
    },
    toJSON: () => artefact('damped-trend', inputLength, horizon, { span, damping }),
  };
}

function artefact(
  kind: string,
  inputLength: number,
  horizon: number,
  extra: Record<string, unknown>,
): ForecasterArtefact {
  return { format: 'shardflow-forecaster', kind, inputLength, horizon, ...extra };
}
