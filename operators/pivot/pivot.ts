/**
 * @module operators/pivot/pivot
 * `pivot`: long rows → one wide row per (deviceId, time) over a declared column set.
 * Invariant: every input's positions end up on exactly one output — the wide row its rows
 * joined, or a `schema` dead letter for a batch that mixes series or times.
 */
import type { OperatorFunction, SchedulerLike } from 'rxjs';
import { ConfigError, PositionSetBuilder, deadLetter } from '../../core/index.js';
import type { Flow } from '../flow/flow.js';
import { keyedOperator } from '../flow/keyed-operator.js';
import type { LongRow, WideRow } from './rows.js';

/** Options of {@link pivot}. */
export interface PivotOptions {
  /** The declared columns (measures and prediction names such as `iaq~15`). */
  readonly columns: readonly string[];
  /**
   * Emit a series' incomplete rows after this many ms (scheduler time) without rows for it,
   * so they are written — and acknowledged — even if the series goes quiet. Default: wait for
   * a later time of the series or completion.
   */
  readonly idleTimeout?: number;
  /** Scheduler for `idleTimeout`. Default `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

interface Group {
  readonly deviceId: string;
  readonly time: number;
  readonly values: Record<string, number | null>;
  filled: number;
  readonly unknown: Set<string>;
  readonly positions: PositionSetBuilder;
}

/**
 * Assembles long rows into wide rows, one per series and time. A row is emitted as soon as
 * every declared column has a value; otherwise when a later time arrives for the same
 * series, after `idleTimeout` without rows for the series, or when the source completes —
 * missing columns are then `null`. Measure names that
 * are not declared are dropped and listed in the row's `unknown`. Inputs may be single rows
 * or batches (all measures of one series at one time); a batch must belong to one series and time.
 *
 * @example
 * ```ts
 * predictions$.pipe(pivot({ columns: ['iaq', ...predictionColumns(['iaq'], [15, 30])] }))
 * ```
 */
export function pivot(
  options: PivotOptions,
): OperatorFunction<Flow<LongRow | readonly LongRow[]>, Flow<WideRow>> {
  const { columns, idleTimeout, scheduler } = options;
  if (columns.length === 0) throw new ConfigError('pivot.columns', 'declare at least one column');
  if (new Set(columns).size !== columns.length)
    throw new ConfigError('pivot.columns', 'columns must be unique');
  const declared = new Set(columns);
  const rowsOf = (value: LongRow | readonly LongRow[]): readonly LongRow[] =>
    Array.isArray(value) ? value : [value as LongRow];
  return keyedOperator<LongRow | readonly LongRow[], WideRow>(
    // the series of a batch is its first row's (a batch mixing series is dead-lettered)
    { name: 'pivot', key: (value) => rowsOf(value)[0]?.deviceId ?? '', idleTimeout, scheduler },
    (emit) => {
      // Open groups per series, in arrival order of their first row (re-entered once emptied).
      const open = new Map<string, Map<number, Group>>();
      const emitGroup = (g: Group): void => {
        const values: Record<string, number | null> = {};
        for (const c of columns) values[c] = g.values[c] ?? null;
        emit({
          value: { time: g.time, deviceId: g.deviceId, values, unknown: [...g.unknown].sort() },
          positions: g.positions.build(),
        });
      };
      const flushBefore = (deviceId: string, groups: Map<number, Group>, time: number): void => {
        const due = [...groups.values()]
          .filter((g) => g.time < time)
          .sort((a, b) => a.time - b.time);
        for (const g of due) {
          groups.delete(g.time);
          emitGroup(g);
        }
        if (groups.size === 0) open.delete(deviceId);
      };
      return {
        next(element) {
          const rows = rowsOf(element.value);
          const first = rows[0];
          if (first === undefined) {
            emit(deadLetter('schema', 'empty batch of long rows', rows, element.positions));
            return false;
          }
          if (rows.some((r) => r.deviceId !== first.deviceId || r.time !== first.time)) {
            const why = 'a batch must hold one deviceId and time';
            emit(deadLetter('schema', why, rows, element.positions));
            return false;
          }
          const { deviceId, time } = first;
          let groups = open.get(deviceId);
          if (groups !== undefined) flushBefore(deviceId, groups, time);
          groups = open.get(deviceId);
          if (groups === undefined) {
            groups = new Map();
            open.set(deviceId, groups);
          }
          let g = groups.get(time);
          if (g === undefined) {
            g = {
              deviceId,
              time,
              values: {},
              filled: 0,
              unknown: new Set(),
              positions: new PositionSetBuilder(),
            };
            groups.set(time, g);
          }
          for (const r of rows) {
            if (!declared.has(r.measure_name)) {
              g.unknown.add(r.measure_name);
              continue;
            }
            if (!(r.measure_name in g.values)) g.filled++;
            g.values[r.measure_name] = r.measure_value;
          }
          g.positions.addSet(element.positions);
          if (g.filled === columns.length) {
            groups.delete(time);
            if (groups.size === 0) open.delete(deviceId);
            emitGroup(g);
          }
        },
        idle(deviceId) {
          const groups = open.get(deviceId);
          if (groups !== undefined) flushBefore(deviceId, groups, Infinity);
        },
        complete() {
          for (const [deviceId, groups] of [...open]) flushBefore(deviceId, groups, Infinity);
        },
      };
    },
  );
}
