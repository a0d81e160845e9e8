/**
 * @module localstack/ports
 * Free loopback ports for emulators, and a clear error when a requested port is taken.
 * Default emulator ports collide with each other (4567/4568), so nothing here assumes one.
 */
import { createServer, createConnection } from 'node:net';
import { ShardflowError } from '../core/index.js';

/** A port the local cloud was asked to use is already bound by another process. */
export class PortInUseError extends ShardflowError {
  constructor(
    readonly port: number,
    readonly service: string,
  ) {
    super('PORT_IN_USE', `port ${port} requested for ${service} is already in use`);
  }
}

/** Binds port 0 on loopback and returns the port the OS chose. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** True if something accepts connections on `127.0.0.1:port`. */
export async function isListening(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Returns `requested` if it is free (else throws {@link PortInUseError}), or a free port. */
export async function portFor(service: string, requested?: number): Promise<number> {
  if (requested === undefined) return freePort();
  if (await isListening(requested)) throw new PortInUseError(requested, service);
  return requested;
}
