/**
 * @module models/forecast/baselines
 * The baseline forecasters every learned model must beat: persistence (the last value),
 * the moving average of the last `span` values, and seasonal naive (the value one
 * `period` earlier, `period ≤ inputLength`). They need no training.
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

function artefact(
  kind: string,
  inputLength: number,
  horizon: number,
  extra: Record<string, unknown>,
): ForecasterArtefact {
  return { format: 'shardflow-forecaster', kind, inputLength, horizon, ...extra };
}
