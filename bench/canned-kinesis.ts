/**
 * @module bench/canned-kinesis
 * A Kinesis client whose HTTP layer answers every call at once with the same 200 JSON body
 * or event stream (a fresh copy each time, as a socket would give): the SDK's own cost with no
 * I/O, for the floor rows of the producer and consumer benches.
 */
import { KinesisClient } from '@aws-sdk/client-kinesis';

/** A client whose HTTP layer answers every request at once with `contentType` and `body()`. */
function answering(contentType: string, body: () => unknown): KinesisClient {
  return new KinesisClient({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    requestHandler: {
      handle: async () => ({
        response: { statusCode: 200, headers: { 'content-type': contentType }, body: body() },
      }),
    },
  });
}

/** A client answering every request with `body` (awsJson1_1, HTTP 200), no network. */
export function cannedKinesis(body: Uint8Array): KinesisClient {
  return answering('application/x-amz-json-1.1', () => new Uint8Array(body));
}

/**
 * A client answering every request with `messages` as an HTTP 200 event stream
 * (`SubscribeToShard`), delivered in `chunkBytes` pieces (fresh copies, as a socket would give;
 * 16 KiB is HTTP/2's default frame size), no network.
 */
export function cannedEventStream(messages: Uint8Array, chunkBytes = 16_384): KinesisClient {
  return answering('application/vnd.amazon.eventstream', () => ({
    async *[Symbol.asyncIterator]() {
      for (let at = 0; at < messages.byteLength; at += chunkBytes) {
        yield messages.slice(at, at + chunkBytes);
      }
    },
  }));
}
