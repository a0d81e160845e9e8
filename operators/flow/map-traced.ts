/**
 * @module operators/flow/map-traced
 * `mapTraced`: the 1:1 transformation of a {@link Flow}: maps values, keeps each value's
 * positions, passes dead letters through untouched. With `unscorable`, a value `project`
 * throws on becomes an `unscorable` dead letter (with its positions) instead of an error.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import { deadLetter } from '../../core/index.js';
import { isDeadLetter, type Flow } from './flow.js';

/** Options of {@link mapTraced}. */
export interface MapTracedOptions {
  /** Dead-letter values `project` throws on, reason `unscorable`, detail `<this>: <message>`. */
  readonly unscorable?: string;
}

/**
 * Maps every traced value with `project`, keeping its positions.
 * @example `windows$.pipe(mapTraced((w) => ({ key: w.key, iaq: w.value.iaq })))`
 * @example `windows$.pipe(mapTraced(toFeatures, { unscorable: 'features' }))`
 */
export function mapTraced<T, U>(
  project: (value: T) => U,
  options: MapTracedOptions = {},
): OperatorFunction<Flow<T>, Flow<U>> {
  const { unscorable } = options;
  if (unscorable !== undefined)
    return (source) =>
      new Observable<Flow<U>>((subscriber) =>
        source.subscribe({
          next(element) {
            if (isDeadLetter(element)) return subscriber.next(element);
            let out: Flow<U>;
            try {
              out = { value: project(element.value), positions: element.positions };
            } catch (error) {
              const why = `${unscorable}: ${(error as Error).message}`;
              out = deadLetter('unscorable', why, element.value, element.positions);
            }
            subscriber.next(out);
          },
          error: (err: unknown) => subscriber.error(err),
          complete: () => subscriber.complete(),
        }),
      );
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
