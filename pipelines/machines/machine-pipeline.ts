/**
 * @module pipelines/machines/machine-pipeline
 * The machines pipeline (MTConnect): observations → the mapping's columns per device type as
 * long rows of their minute → `pivot` per device and minute → carry each column's last value
 * forward (MTConnect reports on change only; `UNAVAILABLE` clears it) → `resample` onto the
 * minute grid, filling gaps of up to `maxGap` minutes → Random Cut Forest score and grade per
 * device (`scoreAnomalies`, internal shingling), one forest shape per device type.
 * Rows with a column still unknown or unavailable are `unscorable` dead letters; observations
 * no column picks are dropped (their device type does not model them).
 */
import {
  concatMap,
  connect,
  filter,
  from,
  map,
  merge,
  type Observable,
  type OperatorFunction,
} from 'rxjs';
import { deadLetter, traced, type Traced } from '../../core/index.js';
import {
  deviceTypeOf,
  isDeadLetter,
  observationRow,
  pivot,
  resample,
  scoreAnomalies,
  type Flow,
  type LongRow,
  type MtMapping,
  type MtObservation,
  type ResampledPoint,
  type WideRow,
} from '../../operators/index.js';
import { WARM_FOREST } from '../runtime/reading-options.js';

/** Options of {@link machinePipeline}. */
export interface MachinePipelineOptions {
  readonly mapping: MtMapping;
  /** Grid step; default one minute. */
  readonly stepMs?: number;
  /** Longest gap (in steps) filled by linear interpolation; default 5. */
  readonly maxGap?: number;
  /** Minutes concatenated into one forest point; default 4. */
  readonly shingleSize?: number;
  /** Forest options; default the devices pipeline's warm forest. */
  readonly forest?: { numberOfTrees?: number; sampleSize?: number; outputAfter?: number };
  /**
   * Where each machine's last known column values live (`null`: unavailable); default an
   * in-memory map. On the stream it is keyed state, so a restored shard carries on.
   */
  readonly lastValues?: LastValues;
}

/** Per machine, each column's last known value (`null` once `UNAVAILABLE`). */
export interface LastValues {
  get(device: string): Record<string, number | null> | undefined;
  set(device: string, values: Record<string, number | null>): void;
}

/** One scored minute of one machine. */
export interface MachineScore {
  readonly device: string;
  readonly deviceType: string;
  /** Minute start, epoch ms. */
  readonly time: number;
  /** The mapped columns' values at that minute. */
  readonly values: Readonly<Record<string, number>>;
  /** True when the minute had no observation and was interpolated. */
  readonly imputed: boolean;
  readonly score: number;
  /** Anomaly grade in [0, 1]. */
  readonly grade: number;
}

interface MachineRow {
  readonly deviceId: string;
  readonly time: number;
  readonly values: Readonly<Record<string, number>>;
}

/** Carries each machine's columns forward over minutes that did not report them. */
function carryForward(
  mapping: MtMapping,
  last: LastValues,
): OperatorFunction<Flow<WideRow>, Flow<MachineRow>> {
  return map((element) => {
    if (isDeadLetter(element)) return element;
    const row = element.value;
    const type = deviceTypeOf(mapping, row.deviceId)!;
    const state = last.get(row.deviceId) ?? {};
    last.set(row.deviceId, state);
    const values: Record<string, number> = {};
    const missing: string[] = [];
    for (const { column } of type.columns) {
      const v = row.values[column];
      if (v !== null && v !== undefined) state[column] = Number.isNaN(v) ? null : v;
      const known = state[column];
      if (known === null || known === undefined) missing.push(column);
      else values[column] = known;
    }
    if (missing.length > 0) {
      return deadLetter(
        'unscorable',
        `${row.deviceId} at ${new Date(row.time).toISOString()}: unknown or unavailable ${missing.join(', ')}`,
        row,
        element.positions,
      );
    }
    return traced({ deviceId: row.deviceId, time: row.time, values }, element.positions);
  });
}

/**
 * Scores MTConnect observations per machine and minute.
 *
 * @example
 * from(decodeMtconnect(doc).observations.map((o) => traced(o, PositionSet.empty)))
 *   .pipe(machinePipeline({ mapping }))
 */
export function machinePipeline(
  options: MachinePipelineOptions,
): OperatorFunction<Flow<MtObservation>, Flow<MachineScore>> {
  const { mapping, stepMs = 60_000, maxGap = 5, shingleSize = 4 } = options;
  const forest = options.forest ?? WARM_FOREST;
  const columns = [...new Set(mapping.deviceTypes.flatMap((t) => t.columns.map((c) => c.column)))];
  const toRows = concatMap((element: Flow<MtObservation>): Observable<Flow<LongRow>> => {
    if (isDeadLetter(element)) return from([element]);
    const type = deviceTypeOf(mapping, element.value.device);
    const row = type ? observationRow(type, element.value, stepMs) : undefined;
    return from(row ? [traced(row, element.positions)] : []);
  });
  return (source) =>
    source.pipe(
      toRows,
      pivot({ columns }),
      carryForward(mapping, options.lastValues ?? new Map()),
      resample<MachineRow>({
        step: stepMs,
        key: (r) => r.deviceId,
        time: (r) => r.time,
        values: (r) => r.values,
        fill: 'linear',
        maxGap,
      }),
      connect((points$: Observable<Flow<ResampledPoint>>) =>
        merge(
          points$.pipe(filter(isDeadLetter)),
          ...mapping.deviceTypes.map((type) => {
            const names = type.columns.map((c) => c.column);
            return points$.pipe(
              filter(
                (p): p is Traced<ResampledPoint> =>
                  !isDeadLetter(p) && deviceTypeOf(mapping, p.value.key) === type,
              ),
              scoreAnomalies<ResampledPoint>({
                key: (p) => p.key,
                features: (p) => names.map((n) => p.values[n] ?? 0),
                forest: { ...forest, dimensions: names.length, shingleSize },
                measures: names,
                window: (p) => ({
                  time: p.time,
                  imputed: p.imputed,
                  values: names.map((n) => p.values[n] ?? 0),
                }),
              }),
              map((e) =>
                isDeadLetter(e)
                  ? e
                  : traced<MachineScore>(
                      {
                        device: e.value.key,
                        deviceType: type.name,
                        time: e.value.input.time,
                        values: e.value.input.values,
                        imputed: e.value.input.imputed,
                        score: e.value.score,
                        grade: e.value.grade,
                      },
                      e.positions,
                    ),
              ),
            );
          }),
        ),
      ),
    );
}
