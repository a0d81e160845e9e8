/**
 * @module test/fault-proxy
 * A small fault-injecting HTTP proxy for integration tests. It forwards every request to an
 * emulator (kinesis-local, dynalite, …) and, on demand, answers some of them itself with a
 * chosen HTTP status and AWS JSON error body (e.g. `ProvisionedThroughputExceededException`),
 * or partially fails Kinesis `PutRecords` calls. Emulators cannot throttle or fail on
 * purpose; this proxy lets tests exercise those paths over real HTTP without mocking the SDK.
 *
 * Invariant: a record reported as failed was never written. Partial failures are made by
 * removing the chosen entries from the request before forwarding it and splicing failure
 * entries into the response at their original positions, so a retry cannot duplicate data.
 *
 * @example
 * const proxy = await startFaultProxy({ target: process.env.AWS_ENDPOINT_URL_KINESIS! });
 * proxy.failNext(2, { status: 400, errorType: 'ProvisionedThroughputExceededException' });
 * proxy.failPutRecordEntries({ fraction: 0.3 });
 * // point a client at proxy.url …
 * await proxy.close();
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A whole-request fault: the proxy answers with this status and AWS error body. */
export interface RequestFault {
  /** HTTP status; default 400 (how AWS reports throttling on JSON protocols). */
  readonly status?: number;
  /** AWS error type, e.g. `ProvisionedThroughputExceededException`, `InternalFailure`. */
  readonly errorType?: string;
  /** Error message in the body. */
  readonly message?: string;
}

/** Which `PutRecords` entries to fail and how. */
export interface EntryFault {
  /** Fail each entry with this probability (drawn from the proxy's `random`). */
  readonly fraction?: number;
  /** Fail exactly these entry indexes (0-based) of each affected call. */
  readonly indexes?: readonly number[];
  /** Error code of the failed entries; default `ProvisionedThroughputExceededException`. */
  readonly errorCode?: string;
  /** How many calls to affect; default unlimited. */
  readonly calls?: number;
}

/** Options of {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /** Base URL of the service to forward to, e.g. `http://127.0.0.1:4568`. */
  readonly target: string;
  /** Port to listen on; default a free one. */
  readonly port?: number;
  /** Random source for fractions; default `Math.random`. */
  readonly random?: () => number;
  /**
   * Wire protocol of injected error bodies: `json` (AWS JSON / REST-JSON, default) or `xml`
   * (REST-XML services such as S3, whose SDK parses `<Error><Code>` bodies).
   */
  readonly protocol?: 'json' | 'xml';
}

/** Counters of what the proxy did. */
export interface FaultProxyStats {
  /** Requests received, by operation (`PutRecords`, `ListShards`, …). */
  readonly requests: Record<string, number>;
  /** Requests answered with an injected error. */
  failedRequests: number;
  /** `PutRecords` entries reported failed without being written. */
  failedEntries: number;
}

/** A running proxy. */
export interface FaultProxy {
  /** URL to point SDK clients at. */
  readonly url: string;
  readonly stats: FaultProxyStats;
  /** Fails the next `n` requests (optionally only of the named operations). */
  failNext(n: number, fault?: RequestFault, operations?: readonly string[]): void;
  /** Fails each request with probability `fraction` until reset. */
  failFraction(fraction: number, fault?: RequestFault, operations?: readonly string[]): void;
  /**
   * Fails the first `attempts` requests of each of the first `calls` calls of every
   * operation (a call: the requests up to one that is forwarded; counted per operation, a
   * REST call by its `x-id` or HTTP method).
   * With `attempts` = the SDK's attempts per call, any of those calls made without a retry
   * of its own fails, deterministically.
   */
  failEachCall(limits: { attempts: number; calls: number }, fault?: RequestFault): void;
  /** Partially fails `PutRecords` calls. */
  failPutRecordEntries(fault: EntryFault): void;
  /** Delays every forwarded request by `ms` (latency injection). */
  delay(ms: number): void;
  /** Removes every fault; counters are kept. */
  reset(): void;
  close(): Promise<void>;
}

interface RequestRule {
  remaining: number;
  fraction: number;
  fault: RequestFault;
  operations?: readonly string[];
  /** Per-operation budget ({@link FaultProxy.failEachCall}): calls passed, requests failed in a row. */
  perCall?: {
    readonly attempts: number;
    readonly calls: number;
    readonly seen: Map<string, { calls: number; failed: number }>;
  };
}

/** Starts a fault-injecting proxy in front of `target`. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const { target, port = 0, random = Math.random, protocol = 'json' } = options;
  const upstream = new URL(target);
  const stats: FaultProxyStats = { requests: {}, failedRequests: 0, failedEntries: 0 };
  let rules: RequestRule[] = [];
  let entryFault: (EntryFault & { left: number }) | undefined;
  let delayMs = 0;

  const operationOf = (req: IncomingMessage): string => {
    const header = req.headers['x-amz-target'];
    const value = Array.isArray(header) ? header[0] : header;
    return value?.split('.').pop() ?? `${req.method ?? 'GET'} ${req.url ?? '/'}`;
  };

  const matchRule = (operation: string): RequestFault | undefined => {
    for (const rule of rules) {
      if (rule.operations && !rule.operations.includes(operation)) continue;
      if (rule.perCall) {
        const { attempts, calls, seen } = rule.perCall;
        // REST calls (S3) by their operation, not their URL: a retry may name a new object
        const name = /[?&]x-id=([^&]+)/.exec(operation)?.[1] ?? operation.split(' ')[0] ?? '';
        const op = seen.get(name) ?? { calls: 0, failed: 0 };
        seen.set(name, op);
        if (op.calls >= calls) continue;
        if (op.failed < attempts) {
          op.failed += 1;
          return rule.fault;
        }
        op.calls += 1; // this request is forwarded: the call is over
        op.failed = 0;
        continue;
      }
      if (rule.remaining > 0) {
        rule.remaining -= 1;
        return rule.fault;
      }
      if (rule.fraction > 0 && random() < rule.fraction) return rule.fault;
    }
    return undefined;
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const operation = operationOf(req);
        stats.requests[operation] = (stats.requests[operation] ?? 0) + 1;
        if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
        const fault = matchRule(operation);
        if (fault) {
          stats.failedRequests += 1;
          const type = fault.errorType ?? 'ProvisionedThroughputExceededException';
          const message = fault.message ?? 'Rate exceeded (injected by the fault proxy)';
          const body =
            protocol === 'xml'
              ? `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${type}</Code><Message>${message}</Message></Error>`
              : JSON.stringify({ __type: type, message });
          res.writeHead(fault.status ?? 400, {
            'content-type': protocol === 'xml' ? 'application/xml' : 'application/x-amz-json-1.1',
            'content-length': Buffer.byteLength(body),
          });
          res.end(body);
          return;
        }
        let body: Buffer = Buffer.concat(chunks);
        let failed: Map<number, string> | undefined;
        if (operation === 'PutRecords' && entryFault && entryFault.left > 0) {
          const rewritten = dropEntries(body, entryFault, random);
          if (rewritten) {
            entryFault.left -= 1;
            body = rewritten.body;
            failed = rewritten.failed;
          }
        }
        const headers = { ...req.headers, host: upstream.host };
        headers['content-length'] = String(body.length);
        const forward = httpRequest(
          {
            hostname: upstream.hostname,
            port: upstream.port,
            path: req.url,
            method: req.method,
            headers,
          },
          (upstreamRes) => {
            const out: Buffer[] = [];
            upstreamRes.on('data', (c: Buffer) => out.push(c));
            upstreamRes.on('end', () => {
              let payload: Buffer = Buffer.concat(out);
              if (failed && upstreamRes.statusCode === 200) {
                payload = spliceFailures(payload, failed);
                stats.failedEntries += failed.size;
              }
              const resHeaders = { ...upstreamRes.headers };
              resHeaders['content-length'] = String(payload.length);
              delete resHeaders['transfer-encoding'];
              res.writeHead(upstreamRes.statusCode ?? 502, resHeaders);
              res.end(payload);
            });
          },
        );
        forward.on('error', (error) => {
          res.writeHead(502, { 'content-type': 'text/plain' });
          res.end(String(error));
        });
        forward.end(body);
      })();
    });
  });

  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${address.port}`,
    stats,
    failNext(n, fault = {}, operations) {
      rules.push({ remaining: n, fraction: 0, fault, operations });
    },
    failFraction(fraction, fault = {}, operations) {
      rules.push({ remaining: 0, fraction, fault, operations });
    },
    failEachCall({ attempts, calls }, fault = {}) {
      rules.push({
        remaining: 0,
        fraction: 0,
        fault,
        perCall: { attempts, calls, seen: new Map() },
      });
    },
    failPutRecordEntries(fault) {
      entryFault = { ...fault, left: fault.calls ?? Number.POSITIVE_INFINITY };
    },
    delay(ms) {
      delayMs = ms;
    },
    reset() {
      rules = [];
      entryFault = undefined;
      delayMs = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface PutRecordsBody {
  Records: unknown[];
  [key: string]: unknown;
}

/** Removes the chosen entries from a PutRecords request; undefined when none is chosen. */
function dropEntries(
  body: Buffer,
  fault: EntryFault,
  random: () => number,
): { body: Buffer; failed: Map<number, string> } | undefined {
  const parsed = JSON.parse(body.toString('utf8')) as PutRecordsBody;
  const code = fault.errorCode ?? 'ProvisionedThroughputExceededException';
  const failed = new Map<number, string>();
  parsed.Records.forEach((_, i) => {
    const chosen = fault.indexes
      ? fault.indexes.includes(i)
      : fault.fraction !== undefined && random() < fault.fraction;
    if (chosen) failed.set(i, code);
  });
  // Never drop every entry: an empty PutRecords is invalid, and a whole-call failure is a
  // request fault (use failNext for that).
  if (failed.size === 0 || failed.size === parsed.Records.length) return undefined;
  parsed.Records = parsed.Records.filter((_, i) => !failed.has(i));
  return { body: Buffer.from(JSON.stringify(parsed)), failed };
}

interface PutRecordsResponse {
  Records: unknown[];
  FailedRecordCount?: number;
  [key: string]: unknown;
}

/** Puts failure entries back at their original indexes of a PutRecords response. */
function spliceFailures(payload: Buffer, failed: Map<number, string>): Buffer {
  const parsed = JSON.parse(payload.toString('utf8')) as PutRecordsResponse;
  const forwarded = [...parsed.Records];
  const total = forwarded.length + failed.size;
  const records: unknown[] = [];
  for (let i = 0; i < total; i += 1) {
    const code = failed.get(i);
    records.push(
      code === undefined
        ? forwarded.shift()
        : {
            ErrorCode: code,
            ErrorMessage: 'Rate exceeded for shard (injected by the fault proxy)',
          },
    );
  }
  parsed.Records = records;
  parsed.FailedRecordCount = (parsed.FailedRecordCount ?? 0) + failed.size;
  return Buffer.from(JSON.stringify(parsed));
}
