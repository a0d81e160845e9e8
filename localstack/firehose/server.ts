/**
 * @module localstack/firehose/server
 * The Firehose emulator's HTTP front: AWS JSON 1.1 (`POST /`, `X-Amz-Target:
 * Firehose_20150804.<Operation>`, `application/x-amz-json-1.1`), so
 * `@aws-sdk/client-firehose` works against it with only an endpoint override. Errors are
 * answered as the service does (`__type` in the body, `x-amzn-ErrorType` header). A timer
 * ticks the delivery streams. Invariant: `close()` stops accepting requests first, then
 * delivers every buffered record before it resolves.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { FirehoseApi, type FirehoseApiOptions } from './api.js';
import { FirehoseApiError } from './errors.js';
import type { Json } from './create-input.js';

const TARGET_PREFIX = 'Firehose_20150804.';
/** Emulator-only endpoints (not part of the Firehose API): `/_shardflow/flush`, `/_shardflow/stats`. */
const ADMIN_PREFIX = '/_shardflow/';
const MAX_BODY = 16 * 1024 * 1024;

/** Options of {@link startFirehoseEmulator}. */
export interface FirehoseEmulatorOptions extends FirehoseApiOptions {
  /** Port to listen on (0 = a free one). */
  readonly port?: number;
  readonly host?: string;
  /** How often delivery streams check their buffering hints, ms. */
  readonly tickMs?: number;
}

/** A running emulator. */
export interface FirehoseEmulator {
  readonly endpoint: string;
  readonly port: number;
  readonly api: FirehoseApi;
  /** Stops listening, delivers everything buffered, stops source readers. */
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY)
      throw new FirehoseApiError('InvalidArgumentException', 'Request too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(response: ServerResponse, status: number, body: Json, errorType?: string): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  response.end(text);
}

/**
 * The emulator's own endpoints, for tests and the dev view: `POST /_shardflow/flush`
 * delivers every buffer now (so a test need not wait out a 60 s interval);
 * `GET /_shardflow/stats` reports per stream what is pending and delivered.
 */
async function admin(api: FirehoseApi, method: string, url: string): Promise<Json> {
  const path = url.slice(ADMIN_PREFIX.length).split('?')[0];
  if (method === 'POST' && path === 'flush') {
    await api.flushBuffers();
    return { flushed: true, streams: api.stats() };
  }
  if (method === 'GET' && path === 'stats') return { streams: api.stats() };
  throw new FirehoseApiError(
    'UnknownOperationException',
    `Unknown emulator endpoint ${method} ${url}`,
  );
}

/** Starts the emulator on loopback. */
export async function startFirehoseEmulator(
  options: FirehoseEmulatorOptions,
): Promise<FirehoseEmulator> {
  const { port = 0, host = '127.0.0.1', tickMs = 200 } = options;
  if (!(tickMs > 0))
    throw new FirehoseApiError('InvalidArgumentException', 'tickMs must be positive');
  const api = new FirehoseApi(options);
  let closing = false;
  const server = createServer((request, response) => {
    void (async () => {
      try {
        if (closing) throw new FirehoseApiError('ServiceUnavailableException', 'Shutting down.');
        const body = await readBody(request);
        if (request.url?.startsWith(ADMIN_PREFIX)) {
          send(response, 200, await admin(api, request.method ?? 'GET', request.url));
          return;
        }
        const target = String(request.headers['x-amz-target'] ?? '');
        if (request.method !== 'POST' || !target.startsWith(TARGET_PREFIX))
          throw new FirehoseApiError('UnknownOperationException', `Unknown operation ${target}`);
        let input: Json;
        try {
          input = body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as Json);
        } catch {
          throw new FirehoseApiError('SerializationException', 'Request body is not valid JSON');
        }
        send(response, 200, await api.handle(target.slice(TARGET_PREFIX.length), input));
      } catch (error) {
        const e =
          error instanceof FirehoseApiError
            ? error
            : new FirehoseApiError('ServiceUnavailableException', String(error));
        send(response, e.status, { __type: e.errorName, message: e.message }, e.errorName);
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  let ticking = false;
  const timer = setInterval(() => {
    if (ticking) return;
    ticking = true;
    void api.tick().finally(() => (ticking = false));
  }, tickMs);
  timer.unref();
  const actual = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://${host}:${actual}`,
    port: actual,
    api,
    async close() {
      closing = true;
      clearInterval(timer);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await api.flushAll();
      server.closeAllConnections();
      await closed;
    },
  };
}
