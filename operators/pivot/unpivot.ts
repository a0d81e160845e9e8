/**
 * @module operators/pivot/unpivot
 * `unpivot`: wide rows → long rows. Invariant: one output per input — the batch of long rows
 * of one wide row travels as one `Traced` element carrying the wide row's positions, so a
 * sink acknowledges it only when every row of the batch is durable.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import { isDeadLetter, type Flow } from '../flow/flow.js';
import type { LongRow, WideRow } from './rows.js';

/** Options of {@link unpivot}. */
export interface UnpivotOptions {
  /** Columns to emit, in this order; default every column of each row in its own order. */
  readonly columns?: readonly string[];
  /** Emit `null` values as rows with `measure_value: null` (default false: skip them). */
  readonly keepNulls?: boolean;
}

/**
 * Turns each wide row into its long (Timestream) rows.
 *
 * @example
 * ```ts
 * windows$.pipe(map(toWindowRow), unpivot()) // Flow<readonly LongRow[]>
 * ```
 */
export function unpivot(
  options: UnpivotOptions = {},
): OperatorFunction<Flow<WideRow>, Flow<readonly LongRow[]>> {
  const { columns, keepNulls = false } = options;
  return (source) =>
    new Observable<Flow<readonly LongRow[]>>((subscriber) =>
      source.subscribe({
        next(element) {
          if (isDeadLetter(element)) {
            subscriber.next(element);
            return;
          }
          const { time, deviceId, values } = element.value;
          const rows: LongRow[] = [];
          for (const measure_name of columns ?? Object.keys(values)) {
            const v = values[measure_name];
            if (v === undefined || (v === null && !keepNulls)) continue;
            rows.push({ time, deviceId, measure_name, measure_value: v });
          }
          subscriber.next({ value: rows, positions: element.positions });
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
}
