/**
 * @module consumers/testing/event-stream
 * Test fixtures for `SubscribeToShard` readers: event-stream messages encoded by the SDK's own
 * codec, and a Kinesis client whose HTTP layer answers each call with the next canned event
 * stream (no network), so the SDK's reader and shardflow's read the same bytes.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { cannedClient } from './canned-client.js';

const codec = new EventStreamCodec(
  (b) => Buffer.from(b).toString('utf8'),
  (s) => new Uint8Array(Buffer.from(s, 'utf8')),
);

/** One event-stream message with string `headers` and a JSON (or raw string) `body`. */
export function frame(headers: Record<string, string>, body: unknown): Uint8Array {
  const h: Record<string, { type: 'string'; value: string }> = {};
  for (const [k, v] of Object.entries(headers)) h[k] = { type: 'string', value: v };
  const bytes = typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body);
  return codec.encode({ headers: h, body: new Uint8Array(Buffer.from(bytes, 'utf8')) });
}

/** An `event` message of `type` (`SubscribeToShardEvent`, `initial-response`…). */
export const eventMessage = (type: string, body: unknown): Uint8Array =>
  frame(
    { ':message-type': 'event', ':event-type': type, ':content-type': 'application/json' },
    body,
  );

/** An `exception` message of `type` (`ResourceInUseException`…). */
export const exceptionMessage = (type: string, body: unknown): Uint8Array =>
  frame(
    { ':message-type': 'exception', ':exception-type': type, ':content-type': 'application/json' },
    body,
  );

/** What a canned client saw: calls made and bodies whose iteration was ended early. */
export interface CannedState {
  calls: number;
  returned: number;
}

/**
 * A client answering call `i` with `streams[i]` (the last one again after the end) as an HTTP
 * 200 event stream in `chunk`-byte pieces (0: one piece).
 */
export function cannedSubscribe(
  streams: readonly (readonly Uint8Array[])[],
  chunk = 0,
): { client: KinesisClient; state: CannedState } {
  const state: CannedState = { calls: 0, returned: 0 };
  const client = cannedClient(() => {
    const messages = streams[Math.min(state.calls, streams.length - 1)] ?? [];
    state.calls += 1;
    const all = Buffer.concat(messages);
    const pieces: Uint8Array[] = [];
    const step = chunk > 0 ? chunk : Math.max(1, all.length);
    for (let at = 0; at < all.length; at += step) pieces.push(all.subarray(at, at + step));
    const body: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]() {
        let i = 0;
        return {
          next: async () =>
            i < pieces.length
              ? { done: false, value: pieces[i++] as Uint8Array }
              : { done: true, value: undefined },
          return: async () => {
            state.returned += 1;
            return { done: true, value: undefined };
          },
        };
      },
    };
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/vnd.amazon.eventstream' },
      body,
    };
  });
  return { client, state };
}
