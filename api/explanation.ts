/**
 * @module api/explanation
 * Reading an anomaly's KDA-shaped explanation (`{ column: { DIRECTION, STRENGTH,
 * ATTRIBUTION_SCORE } }`, see models/rcf) per measure. The pipelines name the columns of a
 * shingled score `<measure>` for the newest window and `<measure>@t-<n>` for the window n
 * minutes before it; a measure's attribution is the sum over its shingle positions (so the
 * per-measure attributions still add up to the score), and its direction is the newest
 * window's. Pure.
 */

/** One column of a KDA-shaped anomaly explanation. */
export interface ExplanationColumn {
  readonly DIRECTION?: string;
  readonly STRENGTH?: string | number;
  readonly ATTRIBUTION_SCORE?: string | number;
}

/** A measure's share of an anomaly score. */
export interface MeasureAttribution {
  readonly measure: string;
  /** `HIGH` or `LOW`: the newest window's direction (else the largest position's). */
  readonly direction: string;
  readonly attribution: number;
}

/** Per-measure attributions, strongest first; empty without an explanation. */
export function explainByMeasure(explanation: unknown): MeasureAttribution[] {
  if (!explanation || typeof explanation !== 'object') return [];
  const byMeasure = new Map<
    string,
    { sum: number; direction: string; newest: boolean; top: number }
  >();
  for (const [column, value] of Object.entries(explanation as Record<string, ExplanationColumn>)) {
    const attribution = Number(value?.ATTRIBUTION_SCORE);
    if (!Number.isFinite(attribution)) continue;
    const [measure = column, lag] = column.split('@');
    const direction = String(value.DIRECTION ?? '');
    const seen = byMeasure.get(measure);
    if (!seen) {
      byMeasure.set(measure, {
        sum: attribution,
        direction,
        newest: lag === undefined,
        top: attribution,
      });
      continue;
    }
    seen.sum += attribution;
    if (lag === undefined || (!seen.newest && attribution > seen.top))
      Object.assign(seen, {
        direction,
        newest: lag === undefined,
        top: Math.max(seen.top, attribution),
      });
  }
  return [...byMeasure]
    .map(([measure, m]) => ({
      measure,
      direction: m.direction,
      attribution: Math.round(m.sum * 1e6) / 1e6,
    }))
    .sort((a, b) => b.attribution - a.attribution || a.measure.localeCompare(b.measure));
}

/** The measure that contributed most to an anomaly score; undefined without an explanation. */
export function strongestMeasure(explanation: unknown): MeasureAttribution | undefined {
  return explainByMeasure(explanation)[0];
}
