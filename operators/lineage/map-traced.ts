/**
 * @module operators/lineage/map-traced
 * `mapTraced`: the 1:1 transformation of a {@link Flow}: maps values, keeps each value's
 * positions, passes dead letters through untouched.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import { isDeadLetter, type Flow } from './flow.js';

/**
 * Maps every traced value with `project`, keeping its positions.
 * @example `windows$.pipe(mapTraced(windowToWideRow))`
 */
export function mapTraced<T, U>(project: (value: T) => U): OperatorFunction<Flow<T>, Flow<U>> {
  return (source) =>
    new Observable<Flow<U>>((subscriber) =>
      source.subscribe({
        next(element) {
          subscriber.next(
            isDeadLetter(element)
              ? element
              : { value: project(element.value), positions: element.positions },
          );
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
}
