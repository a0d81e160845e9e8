/**
 * @module model-server/payloads
 * Request and response bodies of the model server, as SageMaker's built-in algorithms
 * define them: RCF takes `text/csv` rows or `application/json`
 * `{"instances":[{"features":[…]}]}` and answers `{"scores":[{"score":x}]}`; forecasters
 * take `{"instances":[[60 values]]}` (or CSV rows) and answer `{"predictions":[[15]]}`; an
 * instance object may carry the key's other measures for a multivariate model
 * (`{"features":[…], "covariates":{…}}`, see `covariates.ts`).
 * Pure: bytes in, bytes out. A body is parsed and scored a slice of rows at a time, and the
 * caller may yield between slices ({@link invokeModelAsync}), so a 6 MB request never holds
 * the server's event loop (its health check) for more than one slice. Invariant: a malformed
 * body yields a {@link PayloadError} with a reason (a 4xx), never a 5xx and never a partial
 * answer.
 */
import type { Forecaster, RandomCutForest } from '../models/index.js';
import { requireCovariates } from './covariates.js';
import { checkDeepArConfiguration, instanceRow, isDeepAr, type Row } from './instances.js';
import { PayloadError } from './payload-error.js';

export { PayloadError };

/** A loaded model. */
export type Model =
  | { readonly kind: 'rcf'; readonly name: string; readonly forest: RandomCutForest }
  | { readonly kind: 'forecaster'; readonly name: string; readonly forecaster: Forecaster };

/** The answer to one invocation. */
export interface Invocation {
  readonly contentType: string;
  readonly body: string;
}

/** Default most rows one request may carry (a bound on its CPU time and memory). */
export const DEFAULT_MAX_ROWS = 100_000;
/** Default rows parsed and scored between two yields. */
export const DEFAULT_ROWS_PER_SLICE = 256;

function csvRow(line: string, i: number): number[] {
  return line.split(',').map((cell) => {
    const v = cell.trim() === '' ? NaN : Number(cell);
    if (!Number.isFinite(v))
      throw new PayloadError(400, `CSV row ${i + 1}: "${cell.trim()}" is not a number`);
    return v;
  });
}

function csvLines(text: string): string[] {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (lines.length === 0) throw new PayloadError(400, 'empty CSV payload');
  return lines;
}

/** Parses `text/csv` rows of numbers. */
export function parseCsvRows(text: string): number[][] {
  return csvLines(text).map(csvRow);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PayloadError(400, `body is not valid JSON: ${(error as Error).message}`);
  }
}

/** Rows of `{"instances":[{"features":[…]}|[…]]}`. */
function jsonInstances(text: string): unknown[] {
  const body = parseJson(text) as { instances?: unknown } | null;
  if (!body || typeof body !== 'object' || !Array.isArray(body.instances))
    throw new PayloadError(400, 'JSON body must be {"instances": [...]}');
  if (body.instances.length === 0) throw new PayloadError(400, '"instances" is empty');
  return body.instances;
}

const mediaType = (contentType: string | undefined): string =>
  (contentType ?? 'application/json').split(';')[0]?.trim().toLowerCase() ?? '';

/** The rows of a request body, counted up front and parsed a slice at a time. */
interface RowSource {
  readonly count: number;
  /** A DeepAR request (instances with `target`): answer in DeepAR's format. */
  readonly deepAr?: boolean;
  /** Parses and checks rows `[from, to)`; throws {@link PayloadError} for a bad one. */
  rows(from: number, to: number): Row[];
}

function rowSource(
  body: string,
  contentType: string | undefined,
  width: number,
  what: string,
  covariates = false,
): RowSource {
  const type = mediaType(contentType);
  if (type === 'text/csv') {
    const lines = csvLines(body);
    return {
      count: lines.length,
      rows: (from, to) =>
        lines.slice(from, to).map((line, k) => {
          const row = csvRow(line, from + k);
          if (row.length !== width)
            throw new PayloadError(
              400,
              `CSV row ${from + k + 1}: expected ${width} values, got ${row.length}`,
            );
          return { values: row };
        }),
    };
  }
  if (type === 'application/jsonlines' || type === 'application/x-jsonlines') {
    // batch transform with SplitType=Line: one instance ({"features": […]} or […]) per line
    const lines = body.split(/\r?\n/).filter((l) => l.trim() !== '');
    if (lines.length === 0) throw new PayloadError(400, 'empty JSON lines payload');
    return {
      count: lines.length,
      rows: (from, to) =>
        lines
          .slice(from, to)
          .map((line, k) => instanceRow(parseJson(line), from + k, width, what, covariates)),
    };
  }
  if (type === 'application/json' || type === '*/*') {
    const instances = jsonInstances(body);
    const deepAr = instances.some(isDeepAr);
    if (deepAr) checkDeepArConfiguration(body);
    return {
      deepAr,
      count: instances.length,
      rows: (from, to) =>
        instances
          .slice(from, to)
          .map((inst, k) => instanceRow(inst, from + k, width, what, covariates)),
    };
  }
  throw new PayloadError(
    415,
    `unsupported content type ${contentType}; use text/csv or application/json`,
  );
}

/** Reads the rows of a request body according to its content type. */
export function requestRows(
  body: string,
  contentType: string | undefined,
  width: number,
  what: string,
): number[][] {
  const source = rowSource(body, contentType, width, what);
  return source.rows(0, source.count).map((r) => r.values);
}

/** Limits of one invocation. */
export interface InvokeLimits {
  /** Most rows a request may carry; more is a 413. Default {@link DEFAULT_MAX_ROWS}. */
  readonly maxRows?: number;
  /** Rows parsed and scored between two yields. Default {@link DEFAULT_ROWS_PER_SLICE}. */
  readonly rowsPerSlice?: number;
}

/** Options of {@link invokeModelAsync}. */
export interface InvokeOptions extends InvokeLimits {
  /** Gives the event loop a turn between slices (the server passes a `setImmediate` promise). */
  readonly yieldNow: () => Promise<void>;
}

/** The invocation as steps: it yields after each slice and returns the answer. */
function* invocation(
  model: Model,
  body: string,
  contentType: string | undefined,
  accept: string | undefined,
  limits: InvokeLimits,
): Generator<void, Invocation> {
  const { maxRows = DEFAULT_MAX_ROWS, rowsPerSlice = DEFAULT_ROWS_PER_SLICE } = limits;
  const acceptType = mediaType(accept ?? 'application/json');
  const lines = acceptType === 'application/jsonlines';
  if (acceptType !== 'application/json' && acceptType !== '*/*' && !lines)
    throw new PayloadError(
      406,
      `cannot answer with ${accept}; only application/json or application/jsonlines`,
    );
  const source =
    model.kind === 'rcf'
      ? rowSource(body, contentType, model.forest.pointDimensions, 'features')
      : rowSource(body, contentType, model.forecaster.inputLength, 'a window', true);
  if (source.count > maxRows)
    throw new PayloadError(
      413,
      `${source.count} rows exceed the limit of ${maxRows} rows per request; split the request`,
    );
  const results: unknown[] = [];
  for (let from = 0; from < source.count; from += rowsPerSlice) {
    if (from > 0) yield;
    const rows = source.rows(from, Math.min(source.count, from + rowsPerSlice));
    if (model.kind === 'rcf')
      for (const r of rows) results.push({ score: model.forest.scorePoint(r.values) });
    else results.push(...forecastRows(model, rows, from));
  }
  // JSON lines (batch transform, AssembleWith=Line): one result per input line, in order
  if (lines)
    return {
      contentType: 'application/jsonlines',
      body: results.map((r) => `${JSON.stringify(r)}\n`).join(''),
    };
  const answer =
    model.kind === 'rcf'
      ? { scores: results }
      : { predictions: source.deepAr ? results.map((mean) => ({ mean })) : results };
  return { contentType: 'application/json', body: JSON.stringify(answer) };
}

/** Forecasts rows (the first is instance `from`), each with the covariates it carries. */
function forecastRows(
  model: Extract<Model, { kind: 'forecaster' }>,
  rows: readonly Row[],
  from: number,
): number[][] {
  const { forecaster, name } = model;
  const names = forecaster.covariates ?? [];
  rows.forEach((r, k) => requireCovariates(names, name, r.covariates, from + k));
  return forecaster.predict(
    rows.map((r) => r.values),
    rows.map((r) => (r.covariates ? { covariates: r.covariates } : undefined)),
  );
}

/** Runs `model` on a request body at once. Throws {@link PayloadError} for a bad payload. */
export function invokeModel(
  model: Model,
  body: string,
  contentType: string | undefined,
  accept?: string,
  limits: InvokeLimits = {},
): Invocation {
  const steps = invocation(model, body, contentType, accept, limits);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * Runs `model` on a request body a slice of rows at a time, awaiting `yieldNow` between
 * slices, so other requests (the `/ping` health check) are answered while a large body is
 * scored. Same answers and errors as {@link invokeModel}.
 *
 * @example `await invokeModelAsync(model, body, 'text/csv', 'application/json', { yieldNow: () => new Promise((r) => setImmediate(r)) })`
 */
export async function invokeModelAsync(
  model: Model,
  body: string,
  contentType: string | undefined,
  accept: string | undefined,
  options: InvokeOptions,
): Promise<Invocation> {
  const steps = invocation(model, body, contentType, accept, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await options.yieldNow();
  }
}
