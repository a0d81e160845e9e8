/**
 * @module api/params
 * Parsing and bounding the query parameters of the API: `from`/`to` in unix seconds (the
 * indoor-air API's convention) with a bounded span, a key (`device`), an optional measure, a
 * page size and a page token. Every failure is a 400 naming the parameter. Pure.
 */
import { READINGS_INDEX_PARTITION } from '../sinks/index.js';
import { badParameter } from './api-error.js';

/** Limits of a query. */
export interface QueryLimits {
  /** Longest `to - from`, seconds; default 31 days. */
  readonly maxRangeSeconds: number;
  /** Largest page (`limit`); default 1,000. */
  readonly maxPageSize: number;
  /** Page size when `limit` is absent; default 500. */
  readonly defaultPageSize: number;
}

/** Default limits. */
export const DEFAULT_LIMITS: QueryLimits = {
  maxRangeSeconds: 31 * 86_400,
  maxPageSize: 1_000,
  defaultPageSize: 500,
};

/** A validated time range, epoch ms, `from` ≤ `to`. */
export interface TimeRange {
  readonly fromMs: number;
  readonly toMs: number;
}

/** Keys (device and household ids): what the wire schema allows, minus control characters and the registry's partition. */
const validKey = (k: string): boolean =>
  k.length >= 1 &&
  k.length <= 256 &&
  k !== READINGS_INDEX_PARTITION &&
  ![...k].some((c) => c.charCodeAt(0) < 0x20);
/** Unix seconds: digits, optionally a fraction. */
const SECONDS = /^\d{1,12}(?:\.\d{1,3})?$/;

/** The raw value of a parameter, rejecting repeated parameters. */
export function single(query: URLSearchParams, name: string): string | undefined {
  const all = query.getAll(name);
  if (all.length > 1) throw badParameter(name, 'given more than once');
  return all[0];
}

/** The `from`/`to` range (both required), bounded by `limits.maxRangeSeconds`. */
export function timeRange(query: URLSearchParams, limits: QueryLimits = DEFAULT_LIMITS): TimeRange {
  const read = (name: 'from' | 'to'): number => {
    const raw = single(query, name);
    if (raw === undefined || raw === '') throw badParameter(name, 'is required (unix seconds)');
    if (!SECONDS.test(raw))
      throw badParameter(name, `must be unix seconds, got ${JSON.stringify(raw)}`);
    return Math.round(Number(raw) * 1000);
  };
  const fromMs = read('from');
  const toMs = read('to');
  if (toMs < fromMs) throw badParameter('to', 'must not be before from');
  if (toMs - fromMs > limits.maxRangeSeconds * 1000)
    throw badParameter('to', `range longer than ${limits.maxRangeSeconds} s`);
  return { fromMs, toMs };
}

/** A key parameter (`device`): required unless `optional`. */
export function keyParam(query: URLSearchParams, name: string, optional: true): string | undefined;
export function keyParam(query: URLSearchParams, name: string, optional?: false): string;
export function keyParam(
  query: URLSearchParams,
  name: string,
  optional = false,
): string | undefined {
  const raw = single(query, name);
  if (raw === undefined || raw === '') {
    if (optional) return undefined;
    throw badParameter(name, 'is required');
  }
  if (!validKey(raw))
    throw badParameter(name, 'must be 1–256 characters without control characters');
  return raw;
}

/** An optional parameter that must be one of `allowed`. */
export function oneOf(
  query: URLSearchParams,
  name: string,
  allowed: readonly string[],
): string | undefined {
  const raw = single(query, name);
  if (raw === undefined || raw === '') return undefined;
  if (!allowed.includes(raw))
    throw badParameter(name, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
  return raw;
}

/** The page size: `limit` within 1..`maxPageSize`, default `defaultPageSize`. */
export function pageSize(query: URLSearchParams, limits: QueryLimits = DEFAULT_LIMITS): number {
  const raw = single(query, 'limit');
  if (raw === undefined || raw === '') return limits.defaultPageSize;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > limits.maxPageSize)
    throw badParameter('limit', `must be an integer from 1 to ${limits.maxPageSize}`);
  return n;
}

/** Rejects parameters a route does not know (a typo should not silently widen a query). */
export function onlyKnown(query: URLSearchParams, known: readonly string[]): void {
  for (const name of query.keys())
    if (!known.includes(name))
      throw badParameter(name, `unknown parameter (known: ${known.join(', ')})`);
}
