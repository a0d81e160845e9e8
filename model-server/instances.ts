/**
 * @module model-server/instances
 * One JSON instance of an invocation: a plain array, `{"features": […]}` (RCF and our
 * forecasters) or DeepAR's `{"start", "target": […]}` (its last values are the window), and
 * for a forecaster the `covariates` it may carry (`covariates.ts`); DeepAR's `configuration`.
 * Invariant: a malformed instance is a {@link PayloadError} 400 naming it.
 */
import { instanceCovariates, type Covariates } from './covariates.js';
import { PayloadError } from './payload-error.js';

/** A DeepAR instance (`{"start", "target": […]}`): its last `width` target values. */
function deepArRow(inst: { target?: unknown }, i: number, width: number): unknown {
  if (!Array.isArray(inst.target)) return undefined;
  if (inst.target.length < width)
    throw new PayloadError(400, `instance ${i}: target needs at least ${width} values`);
  return inst.target.slice(inst.target.length - width);
}

/** Whether an instance is DeepAR's (it has a `target`). */
export const isDeepAr = (inst: unknown): boolean =>
  inst !== null && typeof inst === 'object' && 'target' in inst;

/** One instance of a request: its values and, for a forecaster, the covariates it carries. */
export interface Row {
  readonly values: number[];
  readonly covariates?: Covariates;
}

function numericRow(inst: unknown, i: number, width: number, what: string): number[] {
  const row =
    inst && typeof inst === 'object' && !Array.isArray(inst)
      ? isDeepAr(inst)
        ? deepArRow(inst as { target?: unknown }, i, width)
        : (inst as { features?: unknown }).features
      : inst;
  if (!Array.isArray(row)) throw new PayloadError(400, `instance ${i}: ${what} must be an array`);
  if (row.length !== width)
    throw new PayloadError(400, `instance ${i}: expected ${width} values, got ${row.length}`);
  return row.map((v: unknown, k) => {
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new PayloadError(400, `instance ${i}: value ${k} is not a finite number`);
    return v;
  });
}

/** An instance's values, and its covariates when `covariates` (a forecaster's request). */
export function instanceRow(
  inst: unknown,
  i: number,
  width: number,
  what: string,
  covariates: boolean,
): Row {
  const values = numericRow(inst, i, width, what);
  if (!covariates) return { values };
  // a DeepAR instance's covariates are aligned with its (longer) target
  const target = isDeepAr(inst) ? (inst as { target: unknown[] }).target.length : width;
  const cov = instanceCovariates(inst, i, target, width);
  return cov ? { values, covariates: cov } : { values };
}

/** DeepAR's `configuration`: only the mean can be answered (our forecasters give points). */
export function checkDeepArConfiguration(text: string): void {
  const config = (JSON.parse(text) as { configuration?: { output_types?: unknown } }).configuration;
  const types = config?.output_types;
  if (types === undefined) return;
  if (!Array.isArray(types) || types.some((t) => t !== 'mean'))
    throw new PayloadError(
      400,
      'configuration.output_types: this model gives point forecasts; ask for ["mean"] only',
    );
}
