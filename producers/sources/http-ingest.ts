/**
 * @module producers/sources/http-ingest
 * HTTP ingest: `PUT /sensorsdata` takes one reading or an array of readings — the legacy
 * sensor shape `{"devid","ts","readings":[7 numbers]}` or the wire shapes — checks the API
 * key header, the body size and every record's schema, then puts the normalized readings
 * through the producer and answers with where they landed.
 *
 * Invariant: validation is all-or-nothing — if any record of a request is invalid, the
 * answer is 400 with the reason and nothing of that request is put.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseReading, readingKey, type Reading } from '../../core/index.js';
import type { PutResult } from '../producer-options.js';
import type { UserRecord } from '../limits.js';

/** Options of {@link startHttpIngest}. */
export interface HttpIngestOptions {
  /** Where accepted readings go (a `KinesisProducer`). */
  readonly producer: { put(record: UserRecord): Promise<PutResult> };
  /** Required value of the API key header. */
  readonly apiKey: string;
  /** Header carrying the key; default `x-api-key`. */
  readonly apiKeyHeader?: string;
  /** Port; default 0 (a free one). */
  readonly port?: number;
  /** Interface; default 127.0.0.1. */
  readonly host?: string;
  /** Largest request body; default 256 KiB. */
  readonly maxBodyBytes?: number;
  /** Most readings per request; default 500. */
  readonly maxRecords?: number;
  /** Called after each request with its status, for metrics and progress lines. */
  readonly onRequest?: (status: number, records: number) => void;
}

/** A running ingest server. */
export interface HttpIngest {
  readonly url: string;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Starts the ingest server. */
export async function startHttpIngest(options: HttpIngestOptions): Promise<HttpIngest> {
  const {
    producer,
    apiKey,
    apiKeyHeader = 'x-api-key',
    port = 0,
    host = '127.0.0.1',
    maxBodyBytes = 256 * 1024,
    maxRecords = 500,
    onRequest = () => undefined,
  } = options;
  if (apiKey.length < 8) throw new RangeError('the API key must have at least 8 characters');
  const expected = Buffer.from(apiKey);

  const handle = async (
    req: IncomingMessage,
  ): Promise<{ status: number; body: unknown; n: number }> => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== '/sensorsdata') throw new HttpError(404, 'not found: use PUT /sensorsdata');
    if (req.method !== 'PUT') throw new HttpError(405, 'method not allowed: use PUT');
    const given = Buffer.from(String(req.headers[apiKeyHeader] ?? ''));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new HttpError(401, `missing or wrong ${apiKeyHeader}`);
    }
    const text = await readBody(req, maxBodyBytes);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new HttpError(400, 'body is not valid JSON');
    }
    const items = Array.isArray(json) ? json : [json];
    if (items.length === 0) throw new HttpError(400, 'no readings in the body');
    if (items.length > maxRecords) throw new HttpError(413, `more than ${maxRecords} readings`);
    const readings: Reading[] = [];
    for (const [i, item] of items.entries()) {
      const parsed = parseReading(item);
      if (!parsed.ok) {
        throw new HttpError(400, `${Array.isArray(json) ? `reading ${i}: ` : ''}${parsed.detail}`);
      }
      readings.push(parsed.reading);
    }
    const results = await Promise.allSettled(
      readings.map((r) => producer.put({ partitionKey: readingKey(r), data: JSON.stringify(r) })),
    );
    const failed = results.filter((r) => r.status === 'rejected');
    if (failed.length > 0) {
      const reason = (failed[0] as PromiseRejectedResult).reason as Error;
      throw new HttpError(503, `${failed.length} reading(s) not delivered: ${reason.message}`);
    }
    const records = results.map((r) => {
      const { shardId, sequenceNumber, subSequenceNumber } = (
        r as PromiseFulfilledResult<PutResult>
      ).value;
      return {
        shardId,
        sequenceNumber,
        ...(subSequenceNumber === undefined ? {} : { subSequenceNumber }),
      };
    });
    return { status: 200, body: { accepted: records.length, records }, n: records.length };
  };

  const server = createServer((req, res) => {
    handle(req)
      .then(({ status, body, n }) => reply(res, status, body, () => onRequest(status, n)))
      .catch((error: unknown) => {
        const status = error instanceof HttpError ? error.status : 500;
        const message = error instanceof Error ? error.message : String(error);
        if (status === 405) res.setHeader('allow', 'PUT');
        reply(res, status, { error: message }, () => onRequest(status, 0));
        if (status === 413) req.resume();
      });
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function reply(res: ServerResponse, status: number, body: unknown, done: () => void): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
  done();
}

function readBody(req: IncomingMessage, max: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) return Promise.reject(new HttpError(413, `body larger than ${max} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        reject(new HttpError(413, `body larger than ${max} bytes`));
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
