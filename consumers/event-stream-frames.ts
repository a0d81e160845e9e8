/**
 * @module consumers/event-stream-frames
 * Splits an `application/vnd.amazon.eventstream` body into messages and checks them, as the
 * SDK's event-stream codec does (`@smithy/core/event-streams`: total length, prelude CRC32,
 * message CRC32 with `node:zlib`, as the SDK on Node; then the headers parsed by its own
 * `HeaderMarshaller`), but each message is a view into the received chunk (a copy only when a
 * message spans chunks) where the SDK copies every chunk into a new message and then runs a
 * generic unmarshaller per message. Invariant: a message is yielded only if both checksums
 * match; a corrupt or truncated body throws the SDK's error messages.
 */
import { crc32 } from 'node:zlib';
import { HeaderMarshaller } from '@smithy/core/event-streams';

/** Parsed headers of a message: name → `{ type, value }` (the SDK's `MessageHeaders`). */
export type MessageHeaders = ReturnType<HeaderMarshaller['parse']>;

/** One event-stream message: its headers and a view of its payload. */
export interface EventStreamMessage {
  readonly headers: MessageHeaders;
  readonly body: Uint8Array;
}

const PRELUDE = 8; // total length + headers length
const OVERHEAD = 16; // prelude + prelude CRC + message CRC

const headerMarshaller = new HeaderMarshaller(
  (b) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8'),
  (s) => Buffer.from(s, 'utf8'),
);

const u32 = (b: Uint8Array, at: number): number =>
  ((b[at] as number) * 0x1000000 +
    (((b[at + 1] as number) << 16) | ((b[at + 2] as number) << 8) | (b[at + 3] as number))) >>>
  0;

/** Checks one whole message (CRC32s as the SDK's `splitMessage`) and parses its headers. */
export function decodeMessage(message: Uint8Array): EventStreamMessage {
  const length = message.byteLength;
  if (length < OVERHEAD) {
    throw new Error('Provided message too short to accommodate event stream message overhead');
  }
  if (u32(message, 0) !== length) {
    throw new Error('Reported message length does not match received message length');
  }
  const headersLength = u32(message, 4);
  const prelude = crc32(message.subarray(0, PRELUDE));
  const expectedPrelude = u32(message, PRELUDE);
  if (prelude !== expectedPrelude) {
    throw new Error(
      `The prelude checksum specified in the message (${expectedPrelude}) does not match the calculated CRC32 checksum (${prelude})`,
    );
  }
  const whole = crc32(message.subarray(PRELUDE, length - 4), prelude);
  const expected = u32(message, length - 4);
  if (whole !== expected) {
    throw new Error(
      `The message checksum (${whole}) did not match the expected value of ${expected}`,
    );
  }
  const headersAt = PRELUDE + 4;
  if (headersLength > length - OVERHEAD) {
    throw new Error('Reported headers length exceeds the message length');
  }
  return {
    headers: headerMarshaller.parse(
      new DataView(message.buffer, message.byteOffset + headersAt, headersLength),
    ),
    body: message.subarray(headersAt + headersLength, length - 4),
  };
}

/**
 * The whole messages of `body`, in order (unchecked: {@link decodeMessage} checks each).
 * Ending the iteration early (`return`) ends the body's iteration, which destroys a stream.
 */
export async function* splitMessages(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const parts: Uint8Array[] = [];
  let have = 0; // bytes in parts
  let need = 4; // bytes needed from the start of parts to make progress
  for await (const chunk of body) {
    parts.push(chunk);
    have += chunk.byteLength;
    if (have < need) continue;
    const buf = parts.length === 1 ? (parts[0] as Uint8Array) : Buffer.concat(parts, have);
    parts.length = 0;
    let at = 0;
    for (;;) {
      const left = buf.byteLength - at;
      if (left < 4) {
        need = 4;
        break;
      }
      const total = u32(buf, at);
      if (total < OVERHEAD) {
        throw new Error('Provided message too short to accommodate event stream message overhead');
      }
      if (left < total) {
        need = total;
        break;
      }
      yield buf.subarray(at, at + total);
      at += total;
    }
    have = buf.byteLength - at;
    if (have > 0) parts.push(buf.subarray(at));
  }
  if (have > 0) throw new Error('Truncated event message received.');
}
