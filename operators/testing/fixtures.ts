/**
 * @module operators/testing/fixtures
 * Test-only helpers shared by the operator specs: source records, traced values, marble
 * schedulers and lineage assertions. Not exported from `operators/index.ts`.
 */
import { TestScheduler } from 'rxjs/testing';
import { PositionSet } from '../../core/index.js';
import type { Traced, SourceRecord, DeviceReading } from '../../core/index.js';
import type { Flow } from '../flow/flow.js';
import type { LongRow } from '../pivot/rows.js';

/** A source record on shard `s` with the given ordinal and JSON (or raw) payload. */
export function record(ordinal: number, payload: unknown, shardId = 's'): SourceRecord {
  const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return {
    position: { shardId, sequenceNumber: String(1000 + ordinal), subSequenceNumber: 0, ordinal },
    partitionKey: 'k',
    data: new TextEncoder().encode(text),
    approximateArrivalTimestamp: 0,
  };
}

/** A value traced to one ordinal of shard `s`. */
export function at<T>(value: T, ...ordinals: number[]): Traced<T> {
  return {
    value,
    positions: PositionSet.of(...ordinals.map((ordinal) => ({ shardId: 's', ordinal }))),
  };
}

/** A device reading at `seconds` after the epoch with every measure set to `v` (iaq = v). */
export function device(
  deviceId: string,
  seconds: number,
  v = 50,
  over: Partial<DeviceReading['readings']> = {},
): DeviceReading {
  return {
    kind: 'device',
    deviceId,
    ts: new Date(seconds * 1000).toISOString(),
    readings: {
      iaq: v,
      temperature: 21,
      humidity: 40,
      voc: 0.5,
      pressure: 1013,
      co2: 600,
      ...over,
    },
  };
}

/** A TestScheduler whose deep equality understands PositionSet (compares by content). */
export function marbles(): TestScheduler {
  return new TestScheduler((actual, expected) => {
    expect(normalize(actual)).toEqual(normalize(expected));
  });
}

/** Replaces PositionSets by their string form, so structural equality compares content. */
export function normalize(x: unknown): unknown {
  if (x instanceof PositionSet) return `PositionSet(${x.toString()})`;
  if (Array.isArray(x)) return x.map(normalize);
  if (x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, normalize(v)]));
  }
  return x;
}

/** The union of the positions of every element of a flow. */
export function unionOf<T>(elements: readonly Flow<T>[]): PositionSet {
  return PositionSet.unionAll(elements.map((e) => e.positions));
}

/**
 * The long rows of one series at one time, one per measure with a value (nulls skipped) —
 * what `pivot` takes; e.g. of a window result: `longRows(w.key, w.start, w.value)`.
 */
export function longRows(
  deviceId: string,
  time: number,
  values: Readonly<Record<string, number | null>>,
): LongRow[] {
  const rows: LongRow[] = [];
  for (const measure_name in values) {
    const v = values[measure_name];
    if (v !== null && v !== undefined)
      rows.push({ time, deviceId, measure_name, measure_value: v });
  }
  return rows;
}
