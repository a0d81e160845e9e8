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

/**
 * Regroups the rows of a CSV (with a header) or newline-delimited JSON text by the value of
 * `key` (e.g. `household` in an export, `householdId` in the archive), keeping each key's
 * rows in order, with an empty row between keys: the series of several keys, interleaved by
 * time in an export, become one series whose windows never span two keys.
 */
export function groupByKey(text: string, key: string): string {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const groups = new Map<string, string[]>();
  const add = (k: string, line: string) => {
    const g = groups.get(k);
    if (g) g.push(line);
    else groups.set(k, [line]);
  };
  if ((lines[0] ?? '').trimStart().startsWith('{')) {
    for (const line of lines) {
      const o = JSON.parse(line) as Record<string, unknown>;
      add(String(o[key] ?? ''), line);
    }
    return [...groups.values()].map((g) => g.join('\n')).join('\n{}\n');
  }
  const head = lines[0] ?? '';
  const sep = head.includes(';') ? ';' : ',';
  const names = head.split(sep).map(unquote);
  const at = names.indexOf(key);
  if (at < 0) throw new ConfigError('key', `no column ${key} in ${names.join(', ')}`);
  for (const line of lines.slice(1)) {
    const fields = line.split(sep);
    add(unquote(fields[at + Math.max(0, fields.length - names.length)] ?? ''), line);
  }
  const gap = sep.repeat(names.length - 1);
  return [head, [...groups.values()].map((g) => g.join('\n')).join(`\n${gap}\n`)].join('\n');
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
