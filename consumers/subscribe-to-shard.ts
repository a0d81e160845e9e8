/**
 * @module consumers/subscribe-to-shard
 * `SubscribeToShard` with a lean reader of the event stream. The SDK copies every message out
 * of the body, then walks its schema for every field of every record of every event: most of
 * the fan-out consumer's per-record CPU (≈ 3 µs per record on the bench machine). For an HTTP
 * 200 event stream this reads the messages itself ({@link splitMessages}, {@link decodeMessage}:
 * the same CRC32 checks, views instead of copies) and `SubscribeToShardEvent` payloads with
 * `JSON.parse` and the lean `GetRecords` record conversion; exception messages become the SDK's
 * own typed errors (`ResourceInUseException`, `KMS*`, `InternalFailureException`… built as its
 * event-stream serde builds them), `:message-type: error` and unknown exceptions plain `Error`s
 * named by their code. Like the SDK, the call resolves once the first message is read; if that
 * one is an exception (or corrupt), the SDK is handed it and throws its own error. Any other
 * response (errors, throttles, retries) stays with the SDK. Invariant: events and errors equal
 * the SDK's for the same bytes (tested on canned frames and on kinesis-local).
 */
import {
  InternalFailureException,
  KMSAccessDeniedException,
  KMSDisabledException,
  KMSInvalidStateException,
  KMSNotFoundException,
  KMSOptInRequired,
  KMSThrottlingException,
  ResourceInUseException,
  ResourceNotFoundException,
  SubscribeToShardCommand,
  type KinesisClient,
  type SubscribeToShardCommandInput,
  type SubscribeToShardCommandOutput,
  type SubscribeToShardEvent,
  type SubscribeToShardEventStream,
} from '@aws-sdk/client-kinesis';
import { decodeMessage, splitMessages, type EventStreamMessage } from './event-stream-frames.js';
import { toRecord, type WireRecord } from './get-records.js';
import { contentType, sendLean } from './lean-response.js';

/** The exceptions of the `SubscribeToShardEventStream` union, by their wire name. */
const EXCEPTIONS: Readonly<Record<string, new (options: never) => Error>> = {
  ResourceNotFoundException,
  ResourceInUseException,
  KMSDisabledException,
  KMSInvalidStateException,
  KMSAccessDeniedException,
  KMSNotFoundException,
  KMSOptInRequired,
  KMSThrottlingException,
  InternalFailureException,
};

const utf8 = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');

const header = (m: EventStreamMessage, name: string): unknown => m.headers[name]?.value;

/** A `SubscribeToShardEvent` payload as the SDK deserialises it. */
export function parseSubscribeToShardEvent(body: Uint8Array): SubscribeToShardEvent {
  const out = {} as SubscribeToShardEvent;
  if (body.byteLength === 0) return out;
  const json = JSON.parse(utf8(body)) as {
    Records?: WireRecord[] | null;
    ContinuationSequenceNumber?: string | null;
    MillisBehindLatest?: number | null;
    ChildShards?: SubscribeToShardEvent['ChildShards'] | null;
  };
  if (json.Records != null) out.Records = json.Records.map(toRecord);
  if (json.ContinuationSequenceNumber != null)
    out.ContinuationSequenceNumber = json.ContinuationSequenceNumber;
  if (json.MillisBehindLatest != null) out.MillisBehindLatest = json.MillisBehindLatest;
  if (json.ChildShards != null) out.ChildShards = json.ChildShards;
  return out;
}

/** A modelled exception as the SDK's event-stream serde builds it (class, `$fault`, message). */
function modelledError(Ctor: new (options: never) => Error, body: Uint8Array): Error {
  const data: { message?: string } = {};
  if (body.byteLength > 0) {
    const json = JSON.parse(utf8(body)) as { message?: unknown };
    if (json.message != null) data.message = String(json.message);
  }
  return Object.assign(new Ctor({} as never), { message: data.message ?? 'Unknown' }, data);
}

/** `'initial'` for the initial response, an event, or undefined for an event type not modelled. */
type Decoded = SubscribeToShardEventStream | 'initial' | undefined;

/** Reads one checked message as the SDK's unmarshaller does; throws its errors. */
export function readSubscribeMessage(m: EventStreamMessage): Decoded {
  const messageType = header(m, ':message-type');
  if (messageType === 'event') {
    const type = header(m, ':event-type') as string;
    if (type === 'SubscribeToShardEvent')
      return { SubscribeToShardEvent: parseSubscribeToShardEvent(m.body) };
    if (type === 'initial-response') return 'initial';
    const Ctor = EXCEPTIONS[type]; // a modelled exception sent as an event is a value, not thrown
    return Ctor
      ? ({ [type]: modelledError(Ctor, m.body) } as unknown as SubscribeToShardEventStream)
      : undefined;
  }
  if (messageType === 'exception') {
    const code = header(m, ':exception-type') as string;
    const Ctor = EXCEPTIONS[code];
    if (Ctor) throw modelledError(Ctor, m.body);
    throw Object.assign(new Error(utf8(m.body)), { name: code });
  }
  if (messageType === 'error') {
    const error = new Error((header(m, ':error-message') as string) || 'UnknownError');
    error.name = header(m, ':error-code') as string;
    throw error;
  }
  throw new Error(`Unrecognizable event type: ${String(header(m, ':event-type'))}`);
}

/**
 * Reads messages until the first one the caller sees (or the end), as the SDK does before its
 * call resolves; `seen` receives each message's bytes before it is read.
 */
async function first(
  it: AsyncIterator<Uint8Array>,
  seen: (message: Uint8Array | undefined) => void,
): Promise<SubscribeToShardEventStream | undefined> {
  for (;;) {
    seen(undefined);
    const next = await it.next();
    if (next.done) return undefined;
    seen(next.value);
    const d = readSubscribeMessage(decodeMessage(next.value));
    if (d === 'initial') return undefined;
    if (d !== undefined) return d;
  }
}

/**
 * The events of an event-stream body after `head`, read lazily as the SDK's `EventStream`.
 * Ending the iteration early ends the body's iteration (the HTTP stream is released).
 */
export async function* subscribeEvents(
  head: SubscribeToShardEventStream | undefined,
  messages: AsyncIterator<Uint8Array>,
): AsyncGenerator<SubscribeToShardEventStream> {
  try {
    if (head !== undefined) yield head;
    for (;;) {
      const next = await messages.next();
      if (next.done) return;
      const d = readSubscribeMessage(decodeMessage(next.value));
      if (d !== undefined && d !== 'initial') yield d;
    }
  } finally {
    await messages.return?.();
  }
}

/** A body of one message, for the SDK to read (and throw) itself. */
const oneMessage = (message: Uint8Array): AsyncIterable<Uint8Array> => ({
  async *[Symbol.asyncIterator]() {
    yield message;
  },
});

const isEventStream = (headers: Record<string, string> | undefined): boolean =>
  contentType(headers).toLowerCase().startsWith('application/vnd.amazon.eventstream');

const EMPTY_BODY: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} };

/**
 * Sends one `SubscribeToShard` call through `kinesis` (its retries, signing, endpoint, HTTP/2
 * and error handling) and returns its output with the `EventStream` read by
 * {@link subscribeEvents}. Aborting `signal` closes the HTTP stream as with the SDK's reader.
 */
export async function subscribeToShard(
  kinesis: KinesisClient,
  input: SubscribeToShardCommandInput,
  signal?: AbortSignal,
): Promise<SubscribeToShardCommandOutput> {
  const { out, lean } = await sendLean(
    new SubscribeToShardCommand(input),
    'shardflowLeanSubscribeToShard',
    async (response) => {
      const body = response.body as Partial<AsyncIterable<Uint8Array>> | null | undefined;
      if (
        response.statusCode !== 200 ||
        typeof body?.[Symbol.asyncIterator] !== 'function' ||
        !isEventStream(response.headers)
      )
        return undefined;
      const messages = splitMessages(body as AsyncIterable<Uint8Array>);
      let current: Uint8Array | undefined;
      try {
        const head = await first(messages, (m) => (current = m));
        response.body = EMPTY_BODY; // the SDK finishes on an empty event stream
        return subscribeEvents(head, messages);
      } catch (error) {
        await messages.return(undefined).catch(() => undefined); // release the HTTP stream
        if (current === undefined) throw error; // the body itself failed
        // an exception (or a corrupt message) first: the SDK reads it and throws its own error
        response.body = oneMessage(current);
        return undefined;
      }
    },
    (command) => kinesis.send(command, signal ? { abortSignal: signal } : {}),
  );
  return lean ? { ...out, EventStream: lean } : out;
}
