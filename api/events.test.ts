import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEventHub } from './events.js';
import type { StreamHealth } from './health-model.js';

/** A local server whose every request is attached to the hub. */
async function serve(hub: ReturnType<typeof createEventHub>): Promise<Server> {
  const server = createServer((req, res) => hub.attach(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** Opens the stream and resolves with the response once its headers arrive. */
const open = (server: Server): Promise<IncomingMessage> =>
  new Promise((resolve, reject) =>
    get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, resolve).on('error', reject),
  );

describe('the dashboard event hub', () => {
  it('sends health to a client, ends its stream on close, then refuses clients without restarting its loop', async () => {
    let looks = 0;
    const hub = createEventHub({
      look: async () => {
        looks += 1;
        return { shards: [] } as unknown as StreamHealth;
      },
      intervalMs: 10,
    });
    const server = await serve(hub);
    try {
      const res = await open(server);
      expect(res.statusCode).toBe(200);
      let text = '';
      res.on('data', (c: Buffer) => (text += String(c)));
      const ended = new Promise<void>((resolve) => res.on('end', resolve));
      while (!text.includes('event: health')) await new Promise((r) => setTimeout(r, 5));
      expect(hub.clients).toBe(1);

      hub.close();
      await ended;
      expect(hub.clients).toBe(0);
      const after = await open(server);
      expect(after.statusCode).toBe(503);
      after.resume();
      const seen = looks;
      await new Promise((r) => setTimeout(r, 60));
      expect(looks).toBe(seen); // no timer restarted by the refused client
      expect(hub.clients).toBe(0);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
