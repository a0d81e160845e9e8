/**
 * @module models/forecast/forecaster
 * The forecaster contract shared by every model: a batch of windows of the last
 * `inputLength` values (60 by default) → the next `horizon` values (15 by default), the
 * `(-1, 60) → (-1, 15)` signature of the air-quality models shardflow learns from, and the
 * JSON artefact every model serializes to. Invariant: `predict` never mutates its input
 * and always returns `horizon` finite numbers per window (or throws ConfigError).
 */
import { ConfigError } from '../../core/index.js';

/** Default input window length. */
export const DEFAULT_INPUT_LENGTH = 60;
/** Default forecast horizon. */
export const DEFAULT_HORIZON = 15;

/**
 * What a multivariate or calendar-aware forecaster may use besides a window: the time of
 * its last value and the windows of the key's other measures (same length and times).
 * Univariate models ignore it.
 */
export interface ForecastContext {
  /** Epoch ms of the window's last value. */
  readonly time?: number;
  /** The other measures of the same key, by name, oldest first. */
  readonly covariates?: Readonly<Record<string, readonly number[]>>;
}

/** A forecaster of the next `horizon` values from the last `inputLength`. */
export interface Forecaster {
  readonly kind: string;
  readonly inputLength: number;
  readonly horizon: number;
  /**
   * Names of the other measures it reads from {@link ForecastContext} (none for univariate
   * models); a window without them is forecast by persistence.
   */
  readonly covariates?: readonly string[];
  /** Forecasts each window of the batch (`contexts[i]` belongs to `windows[i]`). */
  predict(
    windows: readonly (readonly number[])[],
    contexts?: readonly (ForecastContext | undefined)[],
  ): number[][];
  /** The JSON artefact of the model. */
  toJSON(): ForecasterArtefact;
}

/** The JSON artefact of a forecaster (`kind` picks the model). */
export interface ForecasterArtefact {
  readonly format: 'shardflow-forecaster';
  readonly kind: string;
  readonly inputLength: number;
  readonly horizon: number;
  readonly [key: string]: unknown;
}

/** Checks a batch of windows (throws ConfigError naming the bad window). */
export function checkWindows(windows: readonly (readonly number[])[], inputLength: number): void {
  if (!Array.isArray(windows)) throw new ConfigError('instances', 'must be an array of windows');
  windows.forEach((w, i) => {
    if (!Array.isArray(w) || w.length !== inputLength)
      throw new ConfigError(`instances[${i}]`, `must be an array of ${inputLength} numbers`);
    for (const v of w) {
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new ConfigError(`instances[${i}]`, 'values must be finite numbers');
    }
  });
}

/** Checks the shared sizes of a forecaster's options. */
export function checkSizes(inputLength: number, horizon: number): void {
  if (!Number.isInteger(inputLength) || inputLength < 1)
    throw new ConfigError('inputLength', 'must be an integer ≥ 1');
  if (!Number.isInteger(horizon) || horizon < 1)
    throw new ConfigError('horizon', 'must be an integer ≥ 1');
}
