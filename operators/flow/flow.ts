/**
 * @module operators/flow/flow
 * The one way operators emit dead letters "on a separate output": every operator's stream
 * is a tagged union `Flow<T> = Traced<T> | DeadLetter`. Operators process `Traced` values
 * and pass dead letters through untouched and in order, so a chain of operators needs no
 * side channels; at the end, {@link splitDeadLetters} routes dead letters to their own
 * observer (the dead-letter sink) and leaves a stream of results.
 */
import { Observable, type Observer, type OperatorFunction } from 'rxjs';
import type { DeadLetter, Traced } from '../../core/index.js';

/**
 * What flows between operators: a traced value or a dead letter.
 * @example `const out$: Observable<Flow<Reading>> = records$.pipe(decode(), validate())`
 */
export type Flow<T> = Traced<T> | DeadLetter;

/**
 * Whether an element of a {@link Flow} is a dead letter.
 * @example `flow$.pipe(filter(isDeadLetter))`
 */
export function isDeadLetter<T>(element: Flow<T>): element is DeadLetter {
  return (element as Partial<DeadLetter>).kind === 'dead-letter';
}

/**
 * Sends dead letters to `deadLetters` and passes the traced values on. Errors and completion
 * of the source are forwarded downstream only (the dead-letter observer receives `next`).
 *
 * @example
 * ```ts
 * const dead: DeadLetter[] = [];
 * flow$.pipe(splitDeadLetters((d) => dead.push(d))).subscribe(writeResult);
 * ```
 */
export function splitDeadLetters<T>(
  deadLetters: ((deadLetter: DeadLetter) => void) | Pick<Observer<DeadLetter>, 'next'>,
): OperatorFunction<Flow<T>, Traced<T>> {
  const send =
    typeof deadLetters === 'function' ? deadLetters : (d: DeadLetter) => deadLetters.next(d);
  return (source) =>
    new Observable<Traced<T>>((subscriber) =>
      source.subscribe({
        next(element) {
          if (isDeadLetter(element)) send(element);
          else subscriber.next(element);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
}
