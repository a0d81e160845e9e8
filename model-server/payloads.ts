/**
 * @module model-server/payloads
 * Request and response bodies of the model server, as SageMaker's built-in algorithms
 * define them: RCF takes `text/csv` rows or `application/json`
 * `{"instances":[{"features":[…]}]}` and answers `{"scores":[{"score":x}]}`; forecasters
 * take `{"instances":[[60 values]]}` (or CSV rows) and answer `{"predictions":[[15]]}`.
 * Pure: bytes in, bytes out. Invariant: a malformed body yields a {@link PayloadError}
 * with a reason (a 4xx), never a 5xx and never a partial answer.
 */
import { ShardflowError } from '../core/index.js';
import type { Forecaster, RandomCutForest } from '../models/index.js';

/** A client error in an invocation payload: maps to an HTTP 4xx with `reason`. */
export class PayloadError extends ShardflowError {
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super('BAD_PAYLOAD', reason);
  }
}

/** A loaded model. */
export type Model =
  | { readonly kind: 'rcf'; readonly name: string; readonly forest: RandomCutForest }
  | { readonly kind: 'forecaster'; readonly name: string; readonly forecaster: Forecaster };

/** The answer to one invocation. */
export interface Invocation {
  readonly contentType: string;
  readonly body: string;
}

/** Parses `text/csv` rows of numbers. */
export function parseCsvRows(text: string): number[][] {
  const rows = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (rows.length === 0) throw new PayloadError(400, 'empty CSV payload');
  return rows.map((line, i) =>
    line.split(',').map((cell) => {
      const v = cell.trim() === '' ? NaN : Number(cell);
      if (!Number.isFinite(v))
        throw new PayloadError(400, `CSV row ${i + 1}: "${cell.trim()}" is not a number`);
      return v;
    }),
  );
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
  return body.instances.map((inst) =>
    inst && typeof inst === 'object' && !Array.isArray(inst)
      ? (inst as { features?: unknown }).features
      : inst,
  );
}

function numericRows(rows: unknown[], width: number, what: string): number[][] {
  return rows.map((row, i) => {
    if (!Array.isArray(row)) throw new PayloadError(400, `instance ${i}: ${what} must be an array`);
    if (row.length !== width)
      throw new PayloadError(400, `instance ${i}: expected ${width} values, got ${row.length}`);
    return row.map((v, k) => {
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new PayloadError(400, `instance ${i}: value ${k} is not a finite number`);
      return v;
    });
  });
}

const mediaType = (contentType: string | undefined): string =>
  (contentType ?? 'application/json').split(';')[0]?.trim().toLowerCase() ?? '';

/** Reads the rows of a request body according to its content type. */
export function requestRows(
  body: string,
  contentType: string | undefined,
  width: number,
  what: string,
): number[][] {
  const type = mediaType(contentType);
  if (type === 'text/csv') {
    const rows = parseCsvRows(body);
    rows.forEach((r, i) => {
      if (r.length !== width)
        throw new PayloadError(400, `CSV row ${i + 1}: expected ${width} values, got ${r.length}`);
    });
    return rows;
  }
  if (type === 'application/json' || type === 'application/jsonlines' || type === '*/*')
    return numericRows(jsonInstances(body), width, what);
  throw new PayloadError(
    415,
    `unsupported content type ${contentType}; use text/csv or application/json`,
  );
}

/** Runs `model` on a request body. Throws {@link PayloadError} for a bad payload. */
export function invokeModel(
  model: Model,
  body: string,
  contentType: string | undefined,
  accept?: string,
): Invocation {
  const acceptType = mediaType(accept ?? 'application/json');
  if (acceptType !== 'application/json' && acceptType !== '*/*')
    throw new PayloadError(406, `cannot answer with ${accept}; only application/json`);
  if (model.kind === 'rcf') {
    const width = model.forest.pointDimensions;
    const rows = requestRows(body, contentType, width, 'features');
    const scores = rows.map((r) => ({ score: model.forest.scorePoint(r) }));
    return { contentType: 'application/json', body: JSON.stringify({ scores }) };
  }
  const rows = requestRows(body, contentType, model.forecaster.inputLength, 'a window');
  const predictions = model.forecaster.predict(rows);
  return { contentType: 'application/json', body: JSON.stringify({ predictions }) };
}
