/**
 * @module consumers/testing/canned-client
 * A Kinesis client whose HTTP layer is a function (no network, no SDK retries): the SDK's own
 * request signing and response handling run on canned bytes, so reader tests are exact.
 */
import { KinesisClient } from '@aws-sdk/client-kinesis';

/** The request a canned client sees (the SDK's HTTP request). */
export interface CannedRequest {
  readonly headers: Record<string, string>;
  readonly body?: unknown;
}

/** The raw HTTP response a canned client answers with. */
export interface CannedResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

/** A client answering each request with `answer(request)` (see module doc). */
export function cannedClient(
  answer: (request: CannedRequest) => CannedResponse | Promise<CannedResponse>,
): KinesisClient {
  return new KinesisClient({
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: CannedRequest) => ({ response: await answer(request) }),
    },
  });
}

/** The `x-amz-target` operation of a request (`GetRecords`, `GetShardIterator`, …). */
export const operationOf = (request: CannedRequest): string =>
  (request.headers['x-amz-target'] ?? '').split('.').pop() ?? '';

/** An HTTP response with an awsJson1_1 body. */
export const jsonResponse = (statusCode: number, body: unknown): CannedResponse => ({
  statusCode,
  headers: { 'content-type': 'application/x-amz-json-1.1' },
  body: new Uint8Array(Buffer.from(typeof body === 'string' ? body : JSON.stringify(body))),
});
