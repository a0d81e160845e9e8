/**
 * Shutting the API server down with clients still connected: an open live stream
 * (`/events`, which never ends by itself) and an idle keep-alive connection. `close()` must
 * end both and resolve promptly; a server that waits for its clients to leave keeps the API
 * process (and a test's jest) alive for as long as a dashboard stays open.
 */
import { Agent, request, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { testClients, testConfig } from '../test/helpers.js';
import { startApiServer } from './index.js';

const KEY = 'close-test-key-0123456789';
const config = testConfig();
const aws = testClients(config);
afterAll(() => aws.destroy());

/** GET `path` on a keep-alive agent; resolves with the response and its socket. */
function get(url: string, path: string, agent: Agent) {
  return new Promise<{ res: IncomingMessage; socket: Socket }>((resolve, reject) => {
    const req = request(`${url}${path}`, { agent, headers: { 'x-api-key': KEY } }, (res) =>
      resolve({ res, socket: req.socket as Socket }),
    );
    req.on('error', reject);
    req.end();
  });
}

const closed = (socket: Socket) =>
  socket.destroyed ? Promise.resolve() : new Promise<void>((r) => socket.once('close', r));

it('close() ends an open event stream and idle keep-alive connections, and resolves', async () => {
  // no tables or bucket: the health look fails softly, the stream still runs
  const api = await startApiServer({ config, aws, apiKey: KEY, healthIntervalMs: 100 });
  const agent = new Agent({ keepAlive: true });
  try {
    const stream = await get(api.url, '/events', agent);
    expect(stream.res.statusCode).toBe(200);
    stream.res.resume();
    const idle = await get(api.url, '/healthz', agent);
    expect(idle.res.statusCode).toBe(200);
    await new Promise<void>((r) => {
      idle.res.on('end', r);
      idle.res.resume();
    });
    expect(idle.socket).not.toBe(stream.socket);
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      api.close().then(() => 'closed'),
      new Promise<string>((r) => (timer = setTimeout(() => r('still open after 2 s'), 2_000))),
    ]);
    clearTimeout(timer);
    expect(outcome).toBe('closed');
    await Promise.all([closed(stream.socket), closed(idle.socket)]);
    expect(Date.now() - started).toBeLessThan(2_000);
    // nothing listens any more
    await expect(fetch(`${api.url}/healthz`)).rejects.toThrow();
  } finally {
    agent.destroy();
  }
});
