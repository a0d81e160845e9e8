/**
 * @module sinks/keys
 * Deterministic result-table keys, so a replay after failover overwrites rather than
 * duplicates (ARCHITECTURE.md): anomalies `pk = deviceId, sk = windowStart`; predictions
 * `pk = deviceId, sk = <ts>#<measure>~<minutesAhead>`. Attribute names come from
 * `RESULT_KEYS` (core/resources), the same the tables are created with. Pure.
 */
import { RESULT_KEYS } from '../core/index.js';

/** A results-table key. */
export type ResultKey = Readonly<
  Record<(typeof RESULT_KEYS)['partitionKey'] | (typeof RESULT_KEYS)['sortKey'], string>
>;

const iso = (t: number | string): string => (typeof t === 'number' ? new Date(t).toISOString() : t);

/** Key of an anomaly row: one per device and window. */
export function anomalyKey(value: {
  readonly deviceId: string;
  readonly windowStart: number | string;
}): ResultKey {
  return {
    [RESULT_KEYS.partitionKey]: value.deviceId,
    [RESULT_KEYS.sortKey]: iso(value.windowStart),
  } as ResultKey;
}

/** Key of a prediction row: one per device, target time, measure and horizon (e.g. `…#iaq~15`). */
export function predictionKey(value: {
  readonly deviceId: string;
  readonly ts: number | string;
  readonly measure: string;
  readonly minutesAhead: number;
}): ResultKey {
  return {
    [RESULT_KEYS.partitionKey]: value.deviceId,
    [RESULT_KEYS.sortKey]: `${iso(value.ts)}#${value.measure}~${value.minutesAhead}`,
  } as ResultKey;
}
