/**
 * @module api/explanation
 * Reading an anomaly's KDA-shaped explanation (`{ measure: { DIRECTION, STRENGTH,
 * ATTRIBUTION_SCORE } }`, see models/rcf) for the API and the dashboard: the measure that
 * contributed most to the score. Pure.
 */

/** One column of a KDA-shaped anomaly explanation. */
export interface ExplanationColumn {
  readonly DIRECTION?: string;
  readonly STRENGTH?: string | number;
  readonly ATTRIBUTION_SCORE?: string | number;
}

/**
 * The measure that contributed most to an anomaly score (largest attribution), with its
 * direction; undefined when there is no explanation (remote scoring has none).
 */
export function strongestMeasure(
  explanation: unknown,
): { measure: string; direction: string; attribution: number } | undefined {
  if (!explanation || typeof explanation !== 'object') return undefined;
  let best: { measure: string; direction: string; attribution: number } | undefined;
  for (const [measure, column] of Object.entries(
    explanation as Record<string, ExplanationColumn>,
  )) {
    const attribution = Number(column?.ATTRIBUTION_SCORE);
    if (!Number.isFinite(attribution)) continue;
    if (!best || attribution > best.attribution)
      best = { measure, direction: String(column.DIRECTION ?? ''), attribution };
  }
  return best;
}
