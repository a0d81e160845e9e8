/**
 * @module model-server/server
 * The model server: a SageMaker bring-your-own container (`GET /ping`,
 * `POST /invocations`) that also answers the runtime API path
 * `POST /endpoints/{EndpointName}/invocations`, so `@aws-sdk/client-sagemaker-runtime`
 * `InvokeEndpoint` works against it with only an endpoint override. `TargetModel`
 * (header `X-Amzn-SageMaker-Target-Model`) picks a model of a multi-model directory.
 * Payloads above 6 MB are refused (413) as SageMaker does. On the container path errors
 * are `{"error": reason}` with the 4xx status; on the runtime path they are shaped as the
 * runtime service shapes them (`x-amzn-ErrorType`; a model's 4xx becomes `ModelError`
 * 424 with `OriginalStatusCode`), so the SDK raises the same exceptions as against AWS.
 * A body is scored a slice of rows at a time with an event-loop turn between slices, and at
 * most `maxRows` rows per request, so `/ping` answers promptly while a 6 MB request is scored.
 * Batch transform: `GET /execution-parameters`, and `application/jsonlines` in and out (one
 * instance per line, `SplitType=Line`; one result per line, `AssembleWith=Line`).
 * Invariant: every request gets exactly one response, and a bad payload never a 5xx.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../core/index.js';
import { ModelStore } from './model-store.js';
import { DEFAULT_MAX_ROWS, PayloadError, invokeModelAsync } from './payloads.js';

/** SageMaker's real-time invocation payload limit. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** A fault to inject into one invocation (tests of client retry/timeout/breaker). */
export interface InjectedFault {
  /** Answer with this status (e.g. 503, 429) instead of invoking the model. */
  readonly status?: number;
  /** Wait this long before answering. */
  readonly delayMs?: number;
}

/** Named telemetry events of the server. */
export type ModelServerEvent =
  | {
      readonly type: 'model-server.invocation';
      readonly model: string;
      readonly status: number;
      readonly ms: number;
      readonly instancesBytes: number;
    }
  | { readonly type: 'model-server.listening'; readonly port: number };

/** Options of {@link createModelServer}. */
export interface ModelServerOptions {
  /** Model directory; default `/opt/ml/model`. */
  readonly modelDir?: string;
  /** Port; default 8080 (0 = a free port). */
  readonly port?: number;
  /** Interface; default loopback (a container passes `0.0.0.0`: SageMaker calls from outside). */
  readonly host?: string;
  /** Largest accepted body; default 6 MB. */
  readonly maxPayloadBytes?: number;
  /** Most rows (instances) per request; more is a 413. Default 100,000. */
  readonly maxRows?: number;
  /** Decides a fault per invocation (0-based count of invocations); default none. */
  readonly faults?: (invocation: number) => InjectedFault | undefined;
  /** Receives telemetry events. */
  readonly onEvent?: (event: ModelServerEvent) => void;
}

/** A running model server. */
export interface ModelServer {
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly port: number;
  readonly server: Server;
  /** Stops accepting connections and closes idle ones. */
  close(): Promise<void>;
}

const ROUTE = /^\/endpoints\/([^/]+)\/invocations\/?$/;

/** Starts the model server; resolves once it listens. */
export async function createModelServer(options: ModelServerOptions = {}): Promise<ModelServer> {
  const {
    modelDir = '/opt/ml/model',
    port = 8080,
    host = '127.0.0.1',
    maxPayloadBytes = MAX_PAYLOAD_BYTES,
    maxRows = DEFAULT_MAX_ROWS,
    faults,
    onEvent,
  } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError('port', 'must be 0–65535');
  if (!(maxPayloadBytes > 0)) throw new ConfigError('maxPayloadBytes', 'must be > 0');
  if (!Number.isInteger(maxRows) || maxRows < 1)
    throw new ConfigError('maxRows', 'must be a positive integer');
  const store = new ModelStore(modelDir);
  let invocations = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method === 'GET' && path === '/ping') {
      const ok = store.names().length > 0;
      req.resume();
      send(
        res,
        ok ? 200 : 503,
        'application/json',
        JSON.stringify(ok ? { status: 'healthy' } : { error: 'no model' }),
      );
      return;
    }
    if (req.method === 'GET' && path === '/execution-parameters') {
      // asked by SageMaker batch transform before a job: the container's preferred settings
      req.resume();
      send(res, 200, 'application/json', JSON.stringify(executionParameters(maxPayloadBytes)));
      return;
    }
    const runtime = ROUTE.exec(path);
    if (req.method !== 'POST' || (!runtime && path !== '/invocations')) {
      req.resume();
      send(
        res,
        404,
        'application/json',
        JSON.stringify({ error: `no route ${req.method} ${path}` }),
      );
      return;
    }
    const endpoint = runtime ? decodeURIComponent(runtime[1] as string) : undefined;
    const started = Date.now();
    let modelName = '?';
    const fail = (status: number, reason: string) => {
      if (!runtime) return send(res, status, 'application/json', JSON.stringify({ error: reason }));
      if (status === 413 || (status === 400 && reason.startsWith('Endpoint ')))
        return sendAwsError(res, status, 'ValidationError', reason);
      if (status === 400 && reason.startsWith('TargetModel'))
        return sendAwsError(res, 400, 'ValidationError', reason);
      if (status >= 500)
        return sendAwsError(
          res,
          status,
          status === 503 ? 'ServiceUnavailable' : 'InternalFailure',
          reason,
        );
      if (status === 429) return sendAwsError(res, 429, 'ThrottlingException', reason);
      return sendAwsError(res, 424, 'ModelError', reason, {
        OriginalStatusCode: status,
        OriginalMessage: reason,
        LogStreamArn: '',
      });
    };
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > maxPayloadBytes) {
      req.resume();
      res.setHeader('connection', 'close');
      fail(413, `payload of ${declared} bytes exceeds the ${maxPayloadBytes}-byte limit`);
      return;
    }
    const body = await readBody(req, maxPayloadBytes);
    if (body === undefined) {
      res.setHeader('connection', 'close');
      fail(413, `payload exceeds the ${maxPayloadBytes}-byte limit`);
      return;
    }
    const index = invocations;
    invocations += 1;
    const fault = faults?.(index);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    let status = 200;
    try {
      if (fault?.status) {
        status = fault.status;
        fail(status, `injected fault ${status}`);
        return;
      }
      const target = header(req, 'x-amzn-sagemaker-target-model');
      const model = store.resolve(endpoint, target);
      modelName = model.name || 'default';
      const out = await invokeModelAsync(
        model,
        body.toString('utf8'),
        header(req, 'content-type'),
        header(req, 'accept'),
        { maxRows, yieldNow },
      );
      res.setHeader('x-amzn-invoked-production-variant', 'AllTraffic');
      send(res, 200, out.contentType, out.body);
    } catch (error) {
      if (error instanceof PayloadError) {
        status = error.status;
        fail(error.status, error.reason);
      } else if (error instanceof ConfigError) {
        status = 400;
        fail(400, error.message);
      } else {
        status = 500;
        fail(500, `model failure: ${(error as Error).message}`);
      }
    } finally {
      onEvent?.({
        type: 'model-server.invocation',
        model: modelName,
        status,
        ms: Date.now() - started,
        instancesBytes: body.length,
      });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        send(res, 500, 'application/json', JSON.stringify({ error: String(error) }));
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  onEvent?.({ type: 'model-server.listening', port: bound });
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${bound}`,
    port: bound,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

/**
 * The answer to batch transform's `GET /execution-parameters`: several records per request
 * (`SplitType=Line` lines), at most the server's payload limit per request.
 */
export function executionParameters(maxPayloadBytes: number = MAX_PAYLOAD_BYTES): {
  MaxConcurrentTransforms: number;
  BatchStrategy: 'MULTI_RECORD';
  MaxPayloadInMB: number;
} {
  return {
    MaxConcurrentTransforms: 1,
    BatchStrategy: 'MULTI_RECORD',
    MaxPayloadInMB: Math.max(1, Math.floor(maxPayloadBytes / (1024 * 1024))),
  };
}

/** One event-loop turn: lets pending requests (a `/ping`) be answered between slices. */
const yieldNow = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Reads the body, or undefined once it exceeds `limit` (the rest is drained). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sendAwsError(
  res: ServerResponse,
  status: number,
  type: string,
  message: string,
  extra: Record<string, unknown> = {},
): void {
  res.setHeader('x-amzn-errortype', type);
  send(res, status, 'application/json', JSON.stringify({ message, Message: message, ...extra }));
}
