/**
 * @module api/routes
 * The query routes of the indoor-air API and shardflow's additions, each a function of the
 * query string and the store returning an {@link Envelope}:
 * `GET /sensorsdata` (a key's one-minute readings), `GET /sensorsdata/sensors` (device ids),
 * `GET /households` (household ids), `GET /predictions` (a key's forecasts, `measure=iaq~5`),
 * `GET /anomalies` (graded anomalies with their strongest measure). Keys unknown to the
 * readings registry are 404s; bad parameters 400s naming the parameter.
 */
import { randomUUID } from 'node:crypto';
import { DEVICE_MEASURES, HOUSEHOLD_MEASURES, RESULT_KEYS } from '../core/index.js';
import { ApiError, badParameter } from './api-error.js';
import { envelope, type Cell, type Column, type Envelope, type SourceFormat } from './envelope.js';
import { explainByMeasure } from './explanation.js';
import { decodeToken, encodeToken, queryFingerprint } from './page-token.js';
import {
  keyParam,
  oneOf,
  onlyKnown,
  pageSize,
  single,
  timeRange,
  type QueryLimits,
} from './params.js';
import type { Page, Store } from './store.js';

/** What a route reads. */
export interface RouteContext {
  readonly store: Store;
  readonly limits: QueryLimits;
  /** Table names, shown as `SourceName`. */
  readonly sources: {
    readonly readings: string;
    readonly predictions: string;
    readonly anomalies: string;
  };
}

/** A query route. */
export type Route = (query: URLSearchParams, context: RouteContext) => Promise<Envelope>;

const { sortKey: SK } = RESULT_KEYS;
const MEASURES: Readonly<Record<string, readonly string[]>> = {
  device: DEVICE_MEASURES,
  household: HOUSEHOLD_MEASURES,
};
/** Key lists cost one query per key (its latest window): smaller pages. */
const MAX_KEY_PAGE = 100;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Runs one page read with the token handling every route shares. */
async function paged(
  route: string,
  query: URLSearchParams,
  parts: Readonly<Record<string, string | number | undefined>>,
  limit: number,
  read: (start: Readonly<Record<string, string>> | undefined) => Promise<Page>,
): Promise<{ page: Page; consumed: boolean; next: string | null; queryId: string }> {
  const q = queryFingerprint({ route, limit, ...parts });
  const token = single(query, 'NextToken');
  const start = token ? decodeToken(q, token) : undefined;
  const page = await read(start);
  return {
    page,
    consumed: start !== undefined,
    next: encodeToken(q, page.next),
    queryId: randomUUID(),
  };
}

const result = (
  rows: Cell[][],
  name: string,
  format: SourceFormat,
  columns: readonly Column[],
  p: { consumed: boolean; next: string | null; queryId: string },
): Envelope => envelope(rows, { name, type: 'dynamodb', format, columns }, p);

/** The kind of a key from the registry (404 when unknown). */
async function kindOf(store: Store, key: string, param: string): Promise<string> {
  const kind = await store.kind(key);
  if (!kind) throw new ApiError(404, `${param} ${JSON.stringify(key)} has no readings`, param);
  return kind;
}

/** `GET /sensorsdata?from&to&device[&measure]`: one row per minute, one column per measure. */
export const sensorsData: Route = async (query, { store, limits, sources }) => {
  onlyKnown(query, ['from', 'to', 'device', 'measure', 'limit', 'NextToken']);
  const range = timeRange(query, limits);
  const device = keyParam(query, 'device');
  const requested = single(query, 'measure');
  const limit = pageSize(query, limits);
  const kind = await kindOf(store, device, 'device');
  const all = MEASURES[kind] ?? [];
  const measure = requested === undefined ? undefined : oneOf(query, 'measure', all);
  const measures = measure ? [measure] : all;
  const p = await paged('sensorsdata', query, { device, measure, ...range }, limit, (start) =>
    store.readings(device, range, { limit, ...(start ? { start } : {}) }),
  );
  const rows = p.page.items.map((item): Cell[] => {
    const values = (item.values ?? {}) as Record<string, unknown>;
    return [String(item[SK]), ...measures.map((m) => num(values[m]))];
  });
  const columns: Column[] = [
    { name: 'time', type: 'timestamp' },
    ...measures.map((m): Column => ({ name: m, type: 'float' })),
  ];
  return result(rows, sources.readings, 'Timeserie', columns, p);
};

/** `GET /sensorsdata/sensors` and `GET /households`: the keys of one kind, with their latest window. */
export function keysOf(kind: 'device' | 'household'): Route {
  return async (query, { store, limits, sources }) => {
    onlyKnown(query, ['limit', 'NextToken']);
    const bounded = {
      ...limits,
      maxPageSize: Math.min(limits.maxPageSize, MAX_KEY_PAGE),
      defaultPageSize: Math.min(limits.defaultPageSize, MAX_KEY_PAGE),
    };
    const limit = pageSize(query, bounded);
    const p = await paged(`keys-${kind}`, query, {}, limit, (start) =>
      store.keys({ limit, ...(start ? { start } : {}) }),
    );
    const keys = p.page.items.filter((i) => i.kind === kind).map((i) => String(i.key));
    const latest = await Promise.all(keys.map((k) => store.latest(k)));
    const rows = keys.map((k, i): Cell[] => [k, latest[i] ?? null]);
    const columns: Column[] = [
      { name: kind, type: 'str' },
      { name: 'lastSeen', type: 'timestamp' },
    ];
    return result(rows, sources.readings, 'Tabular', columns, p);
  };
}

/** Forecast measure names: `<measure>~<minutes ahead>`. */
const FORECAST_MEASURE = /^[A-Za-z][A-Za-z0-9]{0,63}~\d{1,4}$/;

/** `GET /predictions?from&to&device[&measure=iaq~5]`: forecasts by target time. */
export const predictions: Route = async (query, { store, limits, sources }) => {
  onlyKnown(query, ['from', 'to', 'device', 'measure', 'limit', 'NextToken']);
  const range = timeRange(query, limits);
  const device = keyParam(query, 'device');
  const measure = single(query, 'measure') || undefined;
  if (measure !== undefined && !FORECAST_MEASURE.test(measure))
    throw badParameter('measure', 'must be <measure>~<minutes ahead>, e.g. iaq~15');
  const limit = pageSize(query, limits);
  await kindOf(store, device, 'device');
  const p = await paged('predictions', query, { device, measure, ...range }, limit, (start) =>
    store.predictions(device, range, { limit, ...(start ? { start } : {}) }),
  );
  const rows = p.page.items.flatMap((item): Cell[][] => {
    const [target = '', name = ''] = String(item[SK]).split('#');
    if (measure !== undefined && name !== measure) return [];
    const text = (v: unknown) => (typeof v === 'string' ? v : null);
    return [[target, name, num(item.value), text(item.origin), text(item.model), num(item.weight)]];
  });
  const columns: Column[] = [
    { name: 'time', type: 'timestamp' },
    { name: 'measure', type: 'str' },
    { name: 'value', type: 'float' },
    { name: 'origin', type: 'timestamp' },
    // the forecaster that made it (the selected one per horizon), e.g. `boosted-trees`
    { name: 'model', type: 'str' },
    // its share of the per-horizon mix, 0..1 (null on rows written before it was recorded)
    { name: 'weight', type: 'float' },
  ];
  return result(rows, sources.predictions, 'Timeserie', columns, p);
};

/**
 * `GET /anomalies?from&to[&device]`: anomaly events (by start) with their peak grade, the
 * strongest measure of the peak's explanation, their end, peak and kind.
 */
export const anomalies: Route = async (query, { store, limits, sources }) => {
  onlyKnown(query, ['from', 'to', 'device', 'limit', 'NextToken']);
  const range = timeRange(query, limits);
  const device = keyParam(query, 'device', true);
  const limit = pageSize(query, limits);
  const p = await paged('anomalies', query, { device, ...range }, limit, (start) =>
    store.anomalies(device, range, { limit, ...(start ? { start } : {}) }),
  );
  const rows = p.page.items.map((item): Cell[] => {
    const measures = explainByMeasure(item.explanation);
    const strongest = measures[0];
    return [
      String(item[SK]),
      String(item[RESULT_KEYS.partitionKey]),
      num(item.grade),
      num(item.score),
      num(item.threshold),
      strongest?.measure ?? null,
      strongest?.direction ?? null,
      measures.length > 0 ? JSON.stringify(measures) : null,
      str(item.end),
      str(item.peakAt),
      str(item.kind),
    ];
  });
  const columns: Column[] = [
    { name: 'time', type: 'timestamp' },
    { name: 'device', type: 'str' },
    { name: 'grade', type: 'float' },
    { name: 'score', type: 'float' },
    { name: 'threshold', type: 'float' },
    { name: 'strongestMeasure', type: 'str' },
    { name: 'direction', type: 'str' },
    { name: 'explanation', type: 'str' },
    { name: 'end', type: 'timestamp' },
    { name: 'peakAt', type: 'timestamp' },
    { name: 'kind', type: 'str' },
  ];
  return result(rows, sources.anomalies, 'Timeserie', columns, p);
};

/** The query routes by path (GET). */
export const ROUTES: Readonly<Record<string, Route>> = {
  '/sensorsdata': sensorsData,
  '/sensorsdata/sensors': keysOf('device'),
  '/households': keysOf('household'),
  '/predictions': predictions,
  '/anomalies': anomalies,
};
