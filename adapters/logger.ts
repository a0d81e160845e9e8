/**
 * @module adapters/logger
 * Structured logging (pino, JSON lines on stdout). Components take a {@link Logger}
 * so tests can pass {@link silentLogger}.
 */
import { pino, type Logger as PinoLogger } from 'pino';

/** The structured logger every component accepts. */
export type Logger = PinoLogger;

/** Creates the process logger at a level (`LOG_LEVEL` in the configuration). */
export function createLogger(level: string = 'info', name = 'shardflow'): Logger {
  return pino({ name, level });
}

/** A logger that writes nothing, for tests. */
export const silentLogger: Logger = pino({ level: 'silent' });
