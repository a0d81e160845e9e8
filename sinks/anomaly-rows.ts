/**
 * @module sinks/anomaly-rows
 * The anomalies table holds EVENTS: one row per anomaly event of a key, keyed by the key and
 * the event's start (`anomalyKey`), rewritten every time the event is extended and once
 * more when it closes — so the row is current while the event is open, and a replay (which
 * rebuilds the same events from the same windows) overwrites rather than duplicates. Pure.
 */
import { anomalyKey, type ResultKey } from './keys.js';

/** One column of a Kinesis Data Analytics `ANOMALY_EXPLANATION`. */
export interface ExplanationColumn {
  readonly DIRECTION: 'HIGH' | 'LOW';
  readonly STRENGTH: string;
  readonly ATTRIBUTION_SCORE: string;
}

/** What the row needs of an anomaly event (structurally `AnomalyEvent` of `models/`). */
export interface AnomalyEventFields {
  readonly start: number;
  readonly end: number;
  readonly peakAt: number;
  readonly peakGrade: number;
  readonly peakScore?: number;
  readonly peakThreshold?: number;
  readonly windows: number;
  readonly kind: string;
  readonly explanation: Readonly<Record<string, ExplanationColumn>>;
  readonly open: boolean;
}

/** A row of the anomalies table. */
export interface AnomalyEventRow {
  readonly key: ResultKey;
  readonly attributes: Readonly<Record<string, unknown>>;
}

const iso = (t: number) => new Date(t).toISOString();

/**
 * The measures responsible for an event, strongest first: those whose attribution is at
 * least half of the strongest one's.
 */
export function responsibleMeasures(
  explanation: Readonly<Record<string, ExplanationColumn>>,
): { measure: string; direction: 'HIGH' | 'LOW'; strength: number; attribution: number }[] {
  const all = Object.entries(explanation)
    .map(([measure, c]) => ({
      measure,
      direction: c.DIRECTION,
      strength: Number(c.STRENGTH),
      attribution: Number(c.ATTRIBUTION_SCORE),
    }))
    .filter((m) => m.attribution > 0)
    .sort((a, b) => b.attribution - a.attribution || a.measure.localeCompare(b.measure));
  const top = all[0]?.attribution ?? 0;
  return all.filter((m) => m.attribution >= top / 2);
}

/**
 * The anomalies-table row of `event` of `key` (see module doc). `grade`, `score`,
 * `threshold` and `explanation` are those of the peak window, as the per-window rows had.
 * @example `anomalyEventRow('devices', 'dev-1', event).key // { pk: 'dev-1', sk: '<start ISO>' }`
 */
export function anomalyEventRow(
  pipeline: string,
  key: string,
  event: AnomalyEventFields,
): AnomalyEventRow {
  return {
    key: anomalyKey({ deviceId: key, windowStart: event.start }),
    attributes: {
      pipeline,
      start: iso(event.start),
      end: iso(event.end),
      open: event.open,
      kind: event.kind,
      windows: event.windows,
      peakAt: iso(event.peakAt),
      grade: event.peakGrade,
      ...(event.peakScore !== undefined ? { score: event.peakScore } : {}),
      ...(event.peakThreshold !== undefined ? { threshold: event.peakThreshold } : {}),
      measures: responsibleMeasures(event.explanation).map((m) => m.measure),
      explanation: event.explanation,
    },
  };
}
