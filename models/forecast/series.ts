/**
 * @module models/forecast/series
 * Training and evaluation helpers: a numeric series from CSV or JSON text (the caller
 * reads the file or S3 object), the sliding windows of a series, and the mean absolute
 * error per step ahead. Missing or unparsable values become NaN and windows touching
 * them are skipped. Invariant: pure functions of their inputs.
 */
import { ConfigError } from '../../core/index.js';
import type { Forecaster } from './forecaster.js';

/** Options of {@link parseSeries}. */
export interface ParseSeriesOptions {
  /** Column name (CSV header or JSON object key) holding the values. */
  readonly column: string;
  /** CSV separator; default: `;` if the header has one, else `,`. */
  readonly separator?: string;
}

const unquote = (s: string): string => s.trim().replace(/^"(.*)"$/, '$1');

/**
 * Parses a series from CSV text with a header row, from a JSON array of numbers or of
 * objects, or from newline-delimited JSON objects (Firehose archive lines).
 */
export function parseSeries(text: string, options: ParseSeriesOptions): number[] {
  const trimmed = text.trimStart();
  const value = (v: unknown): number => {
    const n =
      typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    return Number.isFinite(n) ? n : NaN;
  };
  const pick = (o: unknown): number => {
    if (typeof o === 'number') return o;
    if (o && typeof o === 'object') {
      const rec = o as Record<string, unknown>;
      const readings = rec.readings as Record<string, unknown> | undefined;
      return value(rec[options.column] ?? readings?.[options.column]);
    }
    return NaN;
  };
  if (trimmed.startsWith('[')) {
    const parsed: unknown = JSON.parse(trimmed);
    if (!Array.isArray(parsed)) throw new ConfigError('series', 'JSON must be an array');
    return parsed.map(pick);
  }
  if (trimmed.startsWith('{')) {
    return trimmed
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => pick(JSON.parse(l)));
  }
  const lines = trimmed.split(/\r?\n/).filter((l) => l.trim() !== '');
  const head = lines[0] ?? '';
  const sep = options.separator ?? (head.includes(';') ? ';' : ',');
  const names = head.split(sep).map(unquote);
  const at = names.indexOf(options.column);
  if (at < 0) throw new ConfigError('column', `no column ${options.column} in ${names.join(', ')}`);
  // Rows may carry one more leading field than the header (an unnamed row id).
  return lines.slice(1).map((line) => {
    const fields = line.split(sep);
    const shift = fields.length - names.length;
    return value(unquote(fields[at + Math.max(0, shift)] ?? ''));
  });
}

/** Every complete (NaN-free) window of `inputLength` inputs and `horizon` targets, by `stride`. */
export function windowsOf(
  series: readonly number[],
  inputLength: number,
  horizon: number,
  stride = 1,
): { inputs: number[][]; targets: number[][] } {
  const inputs: number[][] = [];
  const targets: number[][] = [];
  for (let t = inputLength; t + horizon <= series.length; t += stride) {
    const slice = series.slice(t - inputLength, t + horizon);
    if (slice.some((v) => !Number.isFinite(v))) continue;
    inputs.push(slice.slice(0, inputLength));
    targets.push(slice.slice(inputLength));
  }
  return { inputs, targets };
}

/** Mean absolute error of `model` per step ahead (index h = h+1 steps ahead). */
export function maePerHorizon(
  model: Forecaster,
  inputs: readonly (readonly number[])[],
  targets: readonly (readonly number[])[],
): number[] {
  const sums = new Array<number>(model.horizon).fill(0);
  const predictions = model.predict(inputs);
  predictions.forEach((p, i) => {
    const t = targets[i] as readonly number[];
    for (let h = 0; h < model.horizon; h += 1)
      sums[h] = (sums[h] as number) + Math.abs((p[h] as number) - (t[h] as number));
  });
  return sums.map((s) => s / Math.max(1, predictions.length));
}
