/**
 * @module consumers/coordinator-log
 * How a worker logs its lease coordinator's events: one rule for the level and the fields,
 * used by both `consume` commands.
 */
import type { CoordinatorEvent } from './lease-coordinator-types.js';

/** The log methods {@link logCoordinatorEvent} needs (a pino logger has them). */
export interface CoordinatorLogger {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
  debug(fields: object, message: string): void;
}

/**
 * The log level of a coordinator event in a worker's log: lease moves at `info`, retried
 * calls at `debug` (a throttled table retries many times a second; the counter
 * `shardflow_consumer_lease_call_retries_total` is where it shows), and a failed cycle (its
 * retries ran out; three in a row turn `/healthz` red) at `warn`, so an operator reads why.
 */
export function coordinatorLogLevel(event: CoordinatorEvent): 'warn' | 'info' | 'debug' {
  if (event.type === 'cycle.failed') return 'warn';
  return event.type === 'call.retried' ? 'debug' : 'info';
}

/*
 * The fields of a coordinator event's log line: the event itself, but a failed cycle's
 * error under `err`, which the logger serialises with its name, message and stack (an
 * error under any other key is logged as `{}`).
 */
function coordinatorLogFields(event: CoordinatorEvent): object {
  if (event.type !== 'cycle.failed') return event;
  return { type: event.type, err: event.error };
}

/** Logs a coordinator event at its level ({@link coordinatorLogLevel}), message its type. */
export function logCoordinatorEvent(logger: CoordinatorLogger, event: CoordinatorEvent): void {
  logger[coordinatorLogLevel(event)](coordinatorLogFields(event), event.type);
}
