/**
 * @module operators/scoring/payloads
 * Encoders and decoders of the SageMaker payloads the inference operators speak: the
 * built-in RCF (`{"instances":[{"features":[…]}]}` → `{"scores":[{"score":x}]}`) and the
 * forecasters (`{"instances":[[…]]}` → `{"predictions":[[…]]}`), and the SageMaker DeepAR
 * forecaster (`{"instances":[{"start","target":[…]}],"configuration":{…}}` →
 * `{"predictions":[{"mean":[…],"quantiles":{…}}]}`, of which the mean is the forecast), so a
 * DeepAR endpoint can replace ours. Invariant: a decoder
 * returns exactly `count` results or throws a ConfigError (the batch then falls back).
 */
import { ConfigError } from '../../core/index.js';
import type { InferenceResponse } from './endpoint-request.js';

/** Encodes feature vectors as a built-in RCF JSON request. */
export function encodeRcf(rows: readonly (readonly number[])[]): {
  body: string;
  contentType: string;
} {
  return {
    body: JSON.stringify({ instances: rows.map((features) => ({ features })) }),
    contentType: 'application/json',
  };
}

/** Decodes a built-in RCF response into one score per instance. */
export function decodeRcf(response: InferenceResponse, count: number): number[] {
  const body = parse(response.body) as { scores?: { score?: unknown }[] };
  if (!Array.isArray(body.scores) || body.scores.length !== count)
    throw new ConfigError('response', `expected ${count} scores`);
  return body.scores.map((s) => {
    if (typeof s?.score !== 'number' || !Number.isFinite(s.score))
      throw new ConfigError('response', 'score is not a finite number');
    return s.score;
  });
}

/**
 * Encodes windows as a forecaster request: `[…]` per window, or `{"features": […],
 * "covariates": {name: […]}}` for a window with covariates (the key's other measures over
 * the same minutes; a non-finite value is sent as `null`, a missing value).
 */
export function encodeWindows(
  rows: readonly (readonly number[])[],
  covariates: readonly (Readonly<Record<string, readonly number[]>> | undefined)[] = [],
): { body: string; contentType: string } {
  const instances = rows.map((features, i) => {
    const c = covariates[i];
    return c && Object.keys(c).length > 0 ? { features, covariates: c } : features;
  });
  return { body: JSON.stringify({ instances }), contentType: 'application/json' };
}

/** A DeepAR series start as DeepAR writes timestamps: `YYYY-MM-DD HH:MM:SS` (UTC). */
export function deepArStart(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * Encodes windows as a DeepAR request: one series per window (`start` = its first value's
 * time, 1970-01-01 when unknown), asking for the mean only.
 */
export function encodeDeepAr(
  rows: readonly (readonly number[])[],
  starts: readonly (number | undefined)[] = [],
): { body: string; contentType: string } {
  return {
    body: JSON.stringify({
      instances: rows.map((target, i) => ({ start: deepArStart(starts[i] ?? 0), target })),
      configuration: { output_types: ['mean'] },
    }),
    contentType: 'application/json',
  };
}

/**
 * Decodes a forecaster response into one prediction vector per instance: arrays (ours) or
 * DeepAR's `{"mean":[…], "quantiles":{…}}` objects (the mean).
 */
export function decodePredictions(response: InferenceResponse, count: number): number[][] {
  const body = parse(response.body) as { predictions?: unknown };
  if (!Array.isArray(body.predictions) || body.predictions.length !== count)
    throw new ConfigError('response', `expected ${count} predictions`);
  return body.predictions.map((entry: unknown) => {
    const p =
      entry !== null && typeof entry === 'object' && !Array.isArray(entry)
        ? (entry as { mean?: unknown }).mean
        : entry;
    if (!Array.isArray(p) || p.some((v) => typeof v !== 'number' || !Number.isFinite(v)))
      throw new ConfigError('response', 'prediction is not an array of finite numbers');
    return p as number[];
  });
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ConfigError('response', 'response body is not JSON');
  }
}
