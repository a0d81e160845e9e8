/**
 * @module model-server/covariates
 * The covariates of a forecaster request: the key's other measures over the same minutes as
 * the window, named, in an instance beside its values —
 * `{"features":[…60], "covariates":{"voltage":[…60], …}}` (ours) or
 * `{"start", "target":[…], "covariates":{"voltage":[… as long as target]}}` (DeepAR's instance,
 * aligned with the target: the last 60 of each are used). Named rather than DeepAR's
 * positional `dynamic_feat`, which must also cover the forecast horizon (future values a
 * client of these models does not have) and whose order a client would have to know; a model
 * takes the names it reads and ignores the rest, so a client may send every measure it has.
 * `null` is a missing value (the model then forecasts that window by persistence, its rule
 * for a window without usable covariates). Invariant: a malformed entry is a
 * {@link PayloadError} 400 naming the instance and the covariate.
 */
import { PayloadError } from './payload-error.js';

/** Covariates of one instance by measure name, oldest first (`NaN` = missing). */
export type Covariates = Readonly<Record<string, readonly number[]>>;

const NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/**
 * The `covariates` of instance `i` (an object of arrays of `length` values, `null` allowed),
 * each cut to its last `width` values; `undefined` when the instance has none.
 */
export function instanceCovariates(
  inst: unknown,
  i: number,
  length: number,
  width: number,
): Covariates | undefined {
  if (inst === null || typeof inst !== 'object' || !('covariates' in inst)) return undefined;
  const given = (inst as { covariates: unknown }).covariates;
  if (given === null || typeof given !== 'object' || Array.isArray(given))
    throw new PayloadError(400, `instance ${i}: "covariates" must be an object of arrays by name`);
  const out: Record<string, number[]> = {};
  for (const [name, values] of Object.entries(given as Record<string, unknown>)) {
    if (!NAME.test(name))
      throw new PayloadError(400, `instance ${i}: covariate name "${name}" is not a measure name`);
    if (!Array.isArray(values) || values.length !== length)
      throw new PayloadError(
        400,
        `instance ${i}: covariate "${name}" must be an array of ${length} values (as the window)`,
      );
    out[name] = values.slice(length - width).map((v: unknown, k) => {
      if (v === null) return Number.NaN;
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new PayloadError(
          400,
          `instance ${i}: covariate "${name}" value ${length - width + k} is not a number or null`,
        );
      return v;
    });
  }
  return out;
}

/**
 * Checks that instance `i` carries every covariate the model reads (`names`): a multivariate
 * model asked without them is a 400 naming what is missing, never a silent persistence answer.
 */
export function requireCovariates(
  names: readonly string[],
  model: string,
  covariates: Covariates | undefined,
  i: number,
): void {
  const missing = names.filter((n) => covariates?.[n] === undefined);
  if (missing.length === 0) return;
  throw new PayloadError(
    400,
    `instance ${i}: model ${model} reads covariates ${names.join(', ')}; missing ` +
      `${missing.join(', ')} (send {"features": [window], "covariates": {"<name>": [window]}})`,
  );
}
