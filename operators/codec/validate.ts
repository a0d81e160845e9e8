/**
 * @module operators/codec/validate
 * `validate`: parsed JSON → typed values checked by a zod schema (by default: any reading
 * shape, legacy normalized to `device`). Invariant: one output per input — the typed value
 * with the input's positions, or a `schema` dead letter with them; dead letters pass through.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import type { z } from 'zod';
import { deadLetter, parseReading, type Reading } from '../../core/index.js';
import { isDeadLetter, type Flow } from '../flow/flow.js';

/** Options of {@link validate}. */
export interface ValidateOptions<T> {
  /** The schema to check against; default: {@link parseReading} (device, household, legacy). */
  readonly schema?: z.ZodType<T>;
}

/**
 * Checks every decoded value against a schema. Failures become `schema` dead letters whose
 * `detail` lists each issue as `path: message` and whose `raw` is the decoded JSON.
 *
 * @example
 * ```ts
 * records$.pipe(decode(), validate());                       // Flow<Reading>
 * records$.pipe(decode(), validate({ schema: deviceReadingSchema })); // Flow<DeviceReading>
 * ```
 */
export function validate(): OperatorFunction<Flow<unknown>, Flow<Reading>>;
export function validate<T>(options: ValidateOptions<T>): OperatorFunction<Flow<unknown>, Flow<T>>;
export function validate<T>(
  options: ValidateOptions<T> = {},
): OperatorFunction<Flow<unknown>, Flow<T | Reading>> {
  const { schema } = options;
  const check =
    schema === undefined
      ? parseReading
      : (json: unknown) => {
          const r = schema.safeParse(json);
          return r.success
            ? { ok: true as const, reading: r.data }
            : {
                ok: false as const,
                detail: r.error.issues
                  .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
                  .join('; '),
              };
        };
  return (source) =>
    new Observable<Flow<T | Reading>>((subscriber) =>
      source.subscribe({
        next(element) {
          if (isDeadLetter(element)) {
            subscriber.next(element);
            return;
          }
          const result = check(element.value);
          subscriber.next(
            result.ok
              ? { value: result.reading, positions: element.positions }
              : deadLetter('schema', result.detail, element.value, element.positions),
          );
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
}
