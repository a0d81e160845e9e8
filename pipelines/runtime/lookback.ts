/**
 * @module pipelines/runtime/lookback
 * `lookback`: gives each resampled grid point of a key the values of its last `retain`
 * points (its own included) — the input of the shingled anomaly model and of the 60-minute
 * forecaster. The ring of each key lives in the shard's keyed state ({@link Ring}), so it is
 * snapshotted with the checkpoint and restored by the next owner (or a child shard) instead
 * of being rebuilt by re-reading an hour of records. A point at or before the ring's last
 * time is already in the ring (a restored key's seed, see `restoredInputs`) and is dropped.
 * A new resample segment (a gap longer than the imputation limit) starts an empty ring.
 */
import type { OperatorFunction } from 'rxjs';
import { ConfigError } from '../../core/index.js';
import { keyedOperator, type Flow, type ResampledPoint } from '../../operators/index.js';
import type { KeyedState, ValueCodec } from '../state/index.js';

/** The look-back of one key: its last points' values, oldest first, and the last time. */
export interface Ring {
  /** Grid time of the newest point. */
  time: number;
  values: Readonly<Record<string, number>>[];
}

/**
 * Codec of a ring as keyed state: the measure names once and the values as one base64
 * Float64Array, row-major (a missing measure is NaN) — exact doubles in about a third of
 * the JSON of the objects (see bench/state.ts).
 */
export function ringCodec(): ValueCodec<Ring> {
  return {
    encode(ring) {
      const measures: string[] = [];
      for (const row of ring.values)
        for (const m in row) if (!measures.includes(m)) measures.push(m);
      const w = measures.length;
      const flat = new Float64Array(ring.values.length * w);
      for (let i = 0; i < ring.values.length; i++) {
        const row = ring.values[i] as Readonly<Record<string, number>>;
        for (let j = 0; j < w; j++) flat[i * w + j] = row[measures[j] as string] ?? Number.NaN;
      }
      return { time: ring.time, measures, values: Buffer.from(flat.buffer).toString('base64') };
    },
    decode(json) {
      const { time, measures, values } = json as {
        time: number;
        measures: string[];
        values: string;
      };
      const bytes = Buffer.from(values, 'base64');
      const flat = new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
      const rows: Readonly<Record<string, number>>[] = [];
      for (let i = 0; i * measures.length < flat.length; i++) {
        const row: Record<string, number> = {};
        measures.forEach((m, j) => {
          const v = flat[i * measures.length + j] as number;
          if (!Number.isNaN(v)) row[m] = v;
        });
        rows.push(row);
      }
      return { time, values: rows };
    },
    // the event time of a key's newest point: keys idle past the state TTL expire
    time: (ring) => ring.time,
  };
}

/** A grid point with its look-back. */
export interface Looked {
  readonly point: ResampledPoint;
  /** Values of the last points of this key and segment, oldest first, ending with this one. */
  readonly history: readonly Readonly<Record<string, number>>[];
}

/** Options of {@link lookback}. */
export interface LookbackOptions {
  /** The rings, per key (keyed state of the shard). */
  readonly rings: KeyedState<Ring>;
  /** Points kept per key (≥ 1): the longest model input, e.g. 60 for a 60-minute forecaster. */
  readonly retain: number;
  /** Called with every point that entered a ring (e.g. to drop the key's consumed inputs). */
  readonly onPoint?: (point: ResampledPoint) => void;
}

/**
 * Attaches look-backs to grid points (see module doc); dead letters pass through.
 *
 * @example `points$.pipe(lookback({ rings: backend.register('devices.ring'), retain: 60 }))`
 */
export function lookback(
  options: LookbackOptions,
): OperatorFunction<Flow<ResampledPoint>, Flow<Looked>> {
  const { rings, retain, onPoint } = options;
  if (!Number.isSafeInteger(retain) || retain < 1)
    throw new ConfigError('lookback.retain', `expected a positive integer, got ${retain}`);
  // the resample segment of each key seen by THIS chain (a restored ring continues across chains)
  return keyedOperator<ResampledPoint, Looked, { segment: number | undefined }>(
    { name: 'lookback', key: (point) => point.key },
    (emit) => ({
      init: () => ({ segment: undefined }),
      next(element, k, seen) {
        const point = element.value;
        const newSegment = seen.segment !== undefined && seen.segment !== point.segment;
        seen.segment = point.segment;
        let ring = rings.get(k);
        if (ring && !newSegment && point.time <= ring.time) return; // already in the ring
        if (!ring || newSegment) ring = { time: point.time, values: [] };
        ring.values.push(point.values);
        if (ring.values.length > retain) ring.values.shift();
        ring.time = point.time;
        rings.set(k, ring);
        onPoint?.(point);
        emit({ value: { point, history: ring.values.slice() }, positions: element.positions });
      },
    }),
  );
}
