/**
 * @module api/server
 * The API process's HTTP server: the query routes (`routes.ts`) behind the `x-api-key`
 * header (compared in constant time by the ingest's `apiKeyMatcher`), the live stream (`/events`), the ingest
 * (`PUT /sensorsdata`, forwarded to `producers`' HTTP ingest), and, without a key, the
 * dashboard's files, `/openapi.json` and `/healthz` (for the load balancer). Every answer is
 * JSON except the dashboard and the event stream; unexpected errors are 500s whose body
 * reveals nothing and whose cause is logged.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger, type AwsClients, type Logger } from '../adapters/index.js';
import { ConfigError, type Config } from '../core/index.js';
import { apiKeyMatcher, MIN_API_KEY_LENGTH } from '../producers/index.js';
import { ApiError } from './api-error.js';
import { createDeadLetterCounter } from './dead-letters.js';
import { createEventHub } from './events.js';
import { createHealthMonitor } from './health.js';
import { forwardToIngest } from './ingest-proxy.js';
import { OPENAPI_DOCUMENT } from './openapi.js';
import { DEFAULT_LIMITS, type QueryLimits } from './params.js';
import { ROUTES, type RouteContext } from './routes.js';
import { createAssetCache, DASHBOARD_CSP } from './static.js';
import { createStore } from './store.js';

/** Options of {@link startApiServer}. */
export interface ApiServerOptions {
  readonly config: Pick<
    Config,
    | 'readingsTableName'
    | 'anomaliesTableName'
    | 'predictionsTableName'
    | 'leaseTableName'
    | 'bucketName'
  >;
  readonly aws: Pick<AwsClients, 'documents' | 's3'>;
  /** Required `x-api-key` value (load it with `loadApiKey`); the ingest's key too. */
  readonly apiKey: string;
  /** Port; default 0 (a free one). */
  readonly port?: number;
  /** Interface; default 127.0.0.1 (`0.0.0.0` in a container). */
  readonly host?: string;
  /** Where the HTTP ingest listens; `PUT /sensorsdata` answers 503 without one. */
  readonly ingestUrl?: string;
  /** Base URLs of the workers' `/healthz` + `/metrics` (stream health). */
  readonly workers?: () => readonly string[];
  /** Records put so far, when the process knows (dev). */
  readonly recordsIn?: () => number;
  /** Dead-letter prefix in the lake; default `dead-letters/` (null: do not count). */
  readonly deadLetterPrefix?: string | null;
  readonly limits?: Partial<QueryLimits>;
  /** Period of the live health events; default 1,000 ms. */
  readonly healthIntervalMs?: number;
  readonly logger?: Logger;
}

/** A running API server. */
export interface ApiServer {
  /** `http://host:port` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  extra: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...extra,
  });
  res.end(text);
}

/** Starts the server; resolves once it listens. */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { config, aws, apiKey, port = 0, host = '127.0.0.1', logger = silentLogger } = options;
  if (apiKey.length < MIN_API_KEY_LENGTH)
    throw new ConfigError('apiKey', `must have at least ${MIN_API_KEY_LENGTH} characters`);
  const keyMatches = apiKeyMatcher(apiKey);
  const store = createStore(aws.documents, {
    readings: config.readingsTableName,
    anomalies: config.anomaliesTableName,
    predictions: config.predictionsTableName,
    leases: config.leaseTableName,
  });
  const context: RouteContext = {
    store,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    sources: {
      readings: config.readingsTableName,
      predictions: config.predictionsTableName,
      anomalies: config.anomaliesTableName,
    },
  };
  const deadPrefix =
    options.deadLetterPrefix === undefined ? 'dead-letters/' : options.deadLetterPrefix;
  const counter =
    deadPrefix === null
      ? undefined
      : createDeadLetterCounter({ s3: aws.s3, bucket: config.bucketName, prefix: deadPrefix });
  const monitor = createHealthMonitor({
    store,
    ...(options.workers ? { workers: options.workers } : {}),
    ...(options.recordsIn ? { recordsIn: options.recordsIn } : {}),
    ...(counter ? { deadLetters: () => counter.counts() } : {}),
  });
  const hub = createEventHub({
    look: () => monitor.look(),
    ...(options.healthIntervalMs ? { intervalMs: options.healthIntervalMs } : {}),
  });
  const assets = createAssetCache();
  const openapi = JSON.stringify(OPENAPI_DOCUMENT);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://api');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (method === 'GET' || method === 'HEAD') {
      const asset = await assets.get(path);
      if (asset) {
        res.writeHead(200, {
          'content-type': asset.type,
          'content-length': String(asset.body.length),
          'cache-control': 'no-cache',
          'content-security-policy': DASHBOARD_CSP,
          'x-content-type-options': 'nosniff',
          'referrer-policy': 'no-referrer',
        });
        res.end(method === 'HEAD' ? undefined : asset.body);
        return;
      }
      if (path === '/openapi.json') {
        res.writeHead(200, {
          'content-type': 'application/json; charset=utf-8',
          'cache-control': 'no-cache',
        });
        res.end(openapi);
        return;
      }
      if (path === '/healthz') return send(res, 200, { ok: true });
    }
    const route = ROUTES[path];
    const known = route !== undefined || path === '/events' || path === '/sensorsdata';
    if (!known) throw new ApiError(404, `no route ${path}`);
    if (method === 'PUT' && path === '/sensorsdata') {
      if (!options.ingestUrl) throw new ApiError(503, 'ingest is not running in this process');
      return forwardToIngest(options.ingestUrl, req, res);
    }
    if (method !== 'GET') {
      const allow = path === '/sensorsdata' ? 'GET, PUT' : 'GET';
      return send(res, 405, { message: `use ${allow}` }, { allow });
    }
    const given = req.headers['x-api-key'];
    if (!keyMatches(typeof given === 'string' ? given : undefined))
      throw new ApiError(401, 'missing or wrong x-api-key');
    if (path === '/events') return hub.attach(req, res);
    send(res, 200, await (route as NonNullable<typeof route>)(url.searchParams, context));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (error instanceof ApiError) return send(res, error.status, error.body());
      logger.error({ err: error, url: req.url }, 'api request failed');
      send(res, 500, { message: 'internal error' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        hub.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
