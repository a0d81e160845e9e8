/**
 * @module api/page-token
 * `NextToken`: DynamoDB's `LastEvaluatedKey` wrapped so a client can hand it back but not
 * aim it at another query. The token is base64url JSON `{ q, k }` where `q` fingerprints the
 * query it continues (route, key, range, measure, page size) and `k` is the key to start
 * after; a token whose fingerprint differs, or that does not decode to string-valued keys,
 * is a 400 naming `NextToken`. Not a secret: it holds only key values the client may read.
 */
import { createHash } from 'node:crypto';
import { badParameter } from './api-error.js';

/** A DynamoDB start key of the tables the API reads (string attributes only). */
export type StartKey = Readonly<Record<string, string>>;

/** Fingerprint of a query: stable over the order of its parts. */
export function queryFingerprint(
  parts: Readonly<Record<string, string | number | undefined>>,
): string {
  const canonical = JSON.stringify(
    Object.keys(parts)
      .sort()
      .map((k) => [k, parts[k] ?? null]),
  );
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

/** Encodes a start key for the query with fingerprint `q`; `undefined` → null (last page). */
export function encodeToken(
  q: string,
  key: Readonly<Record<string, unknown>> | undefined,
): string | null {
  if (!key) return null;
  return Buffer.from(JSON.stringify({ q, k: key })).toString('base64url');
}

/** Decodes `token` for the query with fingerprint `q`; throws a 400 on anything else. */
export function decodeToken(q: string, token: string): StartKey {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]{1,4096}$/.test(token)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw badParameter('NextToken', 'is not a token this API issued');
  }
  const { q: got, k } = (parsed ?? {}) as { q?: unknown; k?: unknown };
  if (got !== q) throw badParameter('NextToken', 'belongs to a different query');
  if (
    !k ||
    typeof k !== 'object' ||
    Array.isArray(k) ||
    Object.values(k).some((v) => typeof v !== 'string') ||
    Object.keys(k).length === 0
  )
    throw badParameter('NextToken', 'is not a token this API issued');
  return k as StartKey;
}
