/**
 * @module operators/scoring/payloads
 * Encoders and decoders of the SageMaker payloads the inference operators speak: the
 * built-in RCF (`{"instances":[{"features":[…]}]}` → `{"scores":[{"score":x}]}`) and the
 * forecasters (`{"instances":[[…]]}` → `{"predictions":[[…]]}`). Invariant: a decoder
 * returns exactly `count` results or throws a ConfigError (the batch then falls back).
 */
import { ConfigError } from '../../core/index.js';
import type { InferenceResponse } from './invoke-endpoint.js';

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

/** Encodes windows as a forecaster request. */
export function encodeWindows(rows: readonly (readonly number[])[]): {
  body: string;
  contentType: string;
} {
  return { body: JSON.stringify({ instances: rows }), contentType: 'application/json' };
}

/** Decodes a forecaster response into one prediction vector per instance. */
export function decodePredictions(response: InferenceResponse, count: number): number[][] {
  const body = parse(response.body) as { predictions?: unknown };
  if (!Array.isArray(body.predictions) || body.predictions.length !== count)
    throw new ConfigError('response', `expected ${count} predictions`);
  return body.predictions.map((p) => {
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
