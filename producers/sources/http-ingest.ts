/**
 * @module producers/sources/http-ingest
 * HTTP ingest: `PUT /sensorsdata` takes one reading or an array of readings — the legacy
 * sensor shape `{"devid","ts","readings":[7 numbers]}` or the wire shapes — checks the API
 * key (constant time), the media type, the body size, every record's schema and plausibility
 * (measure ranges, event time not ahead of the ingest clock beyond a skew), then puts the
 * normalized readings through the producer and answers with where they landed. Slow or idle
 * clients are cut off by header, request and keep-alive timeouts; connections are capped.
 *
 * Invariant: validation is all-or-nothing — if any record of a request is invalid, the
 * answer is 4xx with the reason and nothing of that request is put.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ConfigError,
  DEFAULT_MAX_FUTURE_SKEW_MS,
  PLAUSIBLE_RANGES,
  parseReading,
  readingKey,
  type PlausibleRanges,
  type Reading,
} from '../../core/index.js';
import type { PutResult } from '../producer-options.js';
import type { UserRecord } from '../limits.js';
import { apiKeyMatcher, MIN_API_KEY_LENGTH } from './api-key.js';
import { implausibleReadingProblem, unsupportedMediaProblem } from './ingest-rules.js';

/** Options of {@link startHttpIngest}. */
export interface HttpIngestOptions {
  /** Where accepted readings go (a `KinesisProducer`). */
  readonly producer: { put(record: UserRecord): Promise<PutResult> };
  /** Required value of the API key header (load it with `loadApiKey`, never from argv). */
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
  /** How far (ms) a reading's `ts` may be ahead of the ingest clock; default 60 s. */
  readonly maxFutureSkewMs?: number;
  /** Plausible range per measure; default `PLAUSIBLE_RANGES` (the table normalize uses). */
  readonly ranges?: PlausibleRanges;
  /** The ingest clock (epoch ms); default `Date.now`. */
  readonly now?: () => number;
  /** Time to receive a request's headers; default 10 s (then 408 and close). */
  readonly headersTimeoutMs?: number;
  /** Time to receive a whole request, body included; default 20 s (then 408 and close). */
  readonly requestTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open (Node adds 1 s); default 5 s. */
  readonly keepAliveTimeoutMs?: number;
  /** Most open connections; more are closed at once. Default 256. */
  readonly maxConnections?: number;
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

const positive = (name: string, value: number): number => {
  if (!(value > 0) || !Number.isFinite(value))
    throw new ConfigError(`httpIngest.${name}`, `expected a positive number, got ${value}`);
  return value;
};

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
    maxFutureSkewMs = DEFAULT_MAX_FUTURE_SKEW_MS,
    ranges = PLAUSIBLE_RANGES,
    now = Date.now,
    headersTimeoutMs = 10_000,
    requestTimeoutMs = 20_000,
    keepAliveTimeoutMs = 5_000,
    maxConnections = 256,
    onRequest = () => undefined,
  } = options;
  if (apiKey.length < MIN_API_KEY_LENGTH)
    throw new ConfigError('apiKey', `must have at least ${MIN_API_KEY_LENGTH} characters`);
  if (!(maxFutureSkewMs >= 0))
    throw new ConfigError('httpIngest.maxFutureSkewMs', `expected ≥ 0, got ${maxFutureSkewMs}`);
  positive('headersTimeoutMs', headersTimeoutMs);
  positive('requestTimeoutMs', requestTimeoutMs);
  positive('keepAliveTimeoutMs', keepAliveTimeoutMs);
  positive('maxConnections', maxConnections);
  if (headersTimeoutMs > requestTimeoutMs)
    throw new ConfigError('httpIngest.headersTimeoutMs', 'must not exceed requestTimeoutMs');
  const keyMatches = apiKeyMatcher(apiKey);

  const handle = async (
    req: IncomingMessage,
  ): Promise<{ status: number; body: unknown; n: number }> => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== '/sensorsdata') throw new HttpError(404, 'not found: use PUT /sensorsdata');
    if (req.method !== 'PUT') throw new HttpError(405, 'method not allowed: use PUT');
    if (!keyMatches(header(req, apiKeyHeader))) {
      throw new HttpError(401, `missing or wrong ${apiKeyHeader}`);
    }
    const media = unsupportedMediaProblem(
      header(req, 'content-type'),
      header(req, 'content-encoding'),
    );
    if (media !== undefined) throw new HttpError(415, media);
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
    const rules = { now: now(), maxFutureSkewMs, ranges };
    const readings: Reading[] = [];
    for (const [i, item] of items.entries()) {
      const parsed = parseReading(item);
      const problem = parsed.ok ? implausibleReadingProblem(parsed.reading, rules) : parsed.detail;
      if (problem !== undefined || !parsed.ok) {
        throw new HttpError(400, `${Array.isArray(json) ? `reading ${i}: ` : ''}${problem}`);
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

  const server = createServer(
    {
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      keepAliveTimeout: keepAliveTimeoutMs,
      // how often Node checks the two timeouts above (its default, 30 s, would let a slow
      // client hold a connection far past them)
      connectionsCheckingInterval: Math.min(1_000, headersTimeoutMs / 2),
    },
    (req, res) => {
      handle(req)
        .then(({ status, body, n }) => reply(res, status, body, () => onRequest(status, n)))
        .catch((error: unknown) => {
          const status = error instanceof HttpError ? error.status : 500;
          const message = error instanceof Error ? error.message : String(error);
          if (status === 405) res.setHeader('allow', 'PUT');
          if (status === 415) res.setHeader('accept-encoding', 'identity');
          if (!req.complete) res.setHeader('connection', 'close'); // do not read an unread body
          reply(res, status, { error: message }, () => onRequest(status, 0));
          req.resume();
        });
    },
  );
  server.maxConnections = maxConnections;
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

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
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
