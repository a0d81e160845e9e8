/**
 * @module operators/codec/decode
 * `decode`: source records (bytes) → parsed JSON values, each traced to its own position.
 * Invariant: one output per input — a `Traced<unknown>` or an `invalid-json` dead letter.
 */
import { Observable, type OperatorFunction } from 'rxjs';
import { ConfigError, PositionSet, deadLetter } from '../../core/index.js';
import type { Flow } from '../flow/flow.js';
import type { SourceRecord } from '../../core/index.js';

/** Options of {@link decode}. */
export interface DecodeOptions {
  /** Records larger than this many bytes are dead-lettered unparsed. Default 1 MiB (Kinesis' limit). */
  readonly maxBytes?: number;
}

/**
 * Decodes each record's data as UTF-8 JSON. Bytes that are not valid UTF-8 or not JSON become
 * an `invalid-json` dead letter whose `raw` is the text (or, for invalid UTF-8, the base64 of
 * the bytes); the stream never errors because of a record.
 *
 * @example
 * ```ts
 * records$.pipe(decode(), validate(), splitDeadLetters(deadLetterSink)).subscribe(...)
 * ```
 */
export function decode(options: DecodeOptions = {}): OperatorFunction<SourceRecord, Flow<unknown>> {
  const { maxBytes = 1024 * 1024 } = options;
  if (!(maxBytes > 0))
    throw new ConfigError('decode.maxBytes', `must be positive, got ${maxBytes}`);
  return (source) =>
    new Observable<Flow<unknown>>((subscriber) => {
      const utf8 = new TextDecoder('utf-8', { fatal: true });
      return source.subscribe({
        next(record) {
          const positions = PositionSet.single(record.position.shardId, record.position.ordinal);
          if (record.data.byteLength > maxBytes) {
            subscriber.next(
              deadLetter(
                'invalid-json',
                `record of ${record.data.byteLength} bytes exceeds ${maxBytes}`,
                Buffer.from(record.data).toString('base64'),
                positions,
              ),
            );
            return;
          }
          let text: string;
          try {
            text = utf8.decode(record.data);
          } catch {
            subscriber.next(
              deadLetter(
                'invalid-json',
                'data is not valid UTF-8',
                Buffer.from(record.data).toString('base64'),
                positions,
              ),
            );
            return;
          }
          let value: unknown;
          try {
            value = JSON.parse(text);
          } catch (err) {
            subscriber.next(deadLetter('invalid-json', (err as Error).message, text, positions));
            return;
          }
          subscriber.next({ value, positions });
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}
