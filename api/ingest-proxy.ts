/**
 * @module api/ingest-proxy
 * `PUT /sensorsdata` on the API's port: the request is handed, as it came (method, path,
 * API key, body stream), to the HTTP ingest of `producers/sources/http-ingest.ts` running on
 * a loopback port, and its answer is streamed back. The ingest stays the one place that
 * validates and puts readings; the API only gives it the public address the indoor-air
 * clients know. A refused connection (ingest not running) is a 503.
 */
import { request, type IncomingMessage, type ServerResponse } from 'node:http';

const FORWARDED = ['content-type', 'content-length', 'x-api-key', 'transfer-encoding'];

/** Forwards one request to the ingest at `target` (e.g. `http://127.0.0.1:41234`). */
export function forwardToIngest(
  target: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = {};
    for (const name of FORWARDED) {
      const v = req.headers[name];
      if (typeof v === 'string') headers[name] = v;
    }
    const upstream = request(
      new URL(req.url ?? '/sensorsdata', target),
      { method: req.method, headers },
      (answer) => {
        const out: Record<string, string> = {};
        for (const name of ['content-type', 'content-length', 'allow']) {
          const v = answer.headers[name];
          if (typeof v === 'string') out[name] = v;
        }
        res.writeHead(answer.statusCode ?? 502, out);
        answer.pipe(res);
        answer.on('end', resolve);
        answer.on('error', () => resolve());
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'ingest unavailable' }));
      } else res.destroy();
      resolve();
    });
    req.pipe(upstream);
  });
}
