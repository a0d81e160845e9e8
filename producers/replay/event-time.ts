/**
 * @module producers/replay/pacing
 * The event time of an archived record, which the one pacer (`producers/pacing.ts`) turns
 * into its due time on replay.
 */

/** The event time of an archived reading (`ts`), in epoch ms, if present and valid. */
export function eventTimeOf(record: unknown): number | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const ts = (record as Record<string, unknown>).ts;
  const t = typeof ts === 'string' ? Date.parse(ts) : typeof ts === 'number' ? ts : NaN;
  return Number.isFinite(t) ? t : undefined;
}
