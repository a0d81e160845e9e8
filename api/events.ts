/**
 * @module api/events
 * The dashboard's live updates as server-sent events (`text/event-stream`): one shared loop
 * takes a health look every `intervalMs` while at least one client listens, and sends it to
 * every client as an `event: health` message; clients refetch their charts on it. A comment
 * line every interval keeps proxies (the load balancer's idle timeout) from closing the
 * stream. Invariant: the loop stops when the last client leaves or the hub closes, and a
 * closed hub refuses new clients (503), so nothing restarts its timer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StreamHealth } from './health-model.js';

/** Options of {@link createEventHub}. */
export interface EventHubOptions {
  readonly look: () => Promise<StreamHealth>;
  /** Default 1,000 ms. */
  readonly intervalMs?: number;
}

/** The SSE hub: `attach` a request, `close` everything. */
export interface EventHub {
  attach(req: IncomingMessage, res: ServerResponse): void;
  /** Clients listening now. */
  readonly clients: number;
  close(): void;
}

/** Formats one server-sent event. */
export function sseMessage(event: string, data: unknown, id?: number): string {
  const lines = JSON.stringify(data)
    .split('\n')
    .map((l) => `data: ${l}`)
    .join('\n');
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\n${lines}\n\n`;
}

/** Creates the hub. */
export function createEventHub(options: EventHubOptions): EventHub {
  const { look, intervalMs = 1_000 } = options;
  const clients = new Set<ServerResponse>();
  let timer: NodeJS.Timeout | undefined;
  let seq = 0;
  let busy = false;
  let closed = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const health = await look();
      seq += 1;
      const text = sseMessage('health', health, seq);
      for (const res of clients) res.write(text);
    } catch {
      for (const res of clients) res.write(': look failed\n\n');
    } finally {
      busy = false;
    }
  };
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  return {
    attach(req, res) {
      if (closed) {
        res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('closed\n');
        return;
      }
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(`retry: ${Math.max(1_000, intervalMs)}\n\n`);
      clients.add(res);
      req.on('close', () => {
        clients.delete(res);
        if (clients.size === 0) stop();
      });
      void tick();
      timer ??= setInterval(() => void tick(), intervalMs);
    },
    get clients() {
      return clients.size;
    },
    close() {
      closed = true;
      stop();
      for (const res of clients) res.end();
      clients.clear();
    },
  };
}
