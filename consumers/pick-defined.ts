/**
 * @module consumers/pick-defined
 * Copies the named, defined properties of an options object — so optional settings pass on
 * to a component without writing `undefined` over its defaults (exactOptionalPropertyTypes).
 */

/**
 * The properties `keys` of `o` that are not `undefined`.
 * @example `new PollingReader({ ...base, ...pickDefined(retrieval, ['limit', 'idleTimeMs']) })`
 */
export function pickDefined<T extends object, K extends keyof T>(
  o: T,
  keys: readonly K[],
): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
