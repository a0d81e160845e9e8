/**
 * @module core/errors
 * The one error hierarchy of shardflow. Every error carries a stable `code` and a
 * `retriable` flag, so the single retry helper (`retry.ts`) decides by data, never by
 * message text. Errors that describe a record carry the data a caller needs to act on.
 */

/** Options common to every shardflow error. */
export interface ShardflowErrorOptions {
  /** Whether repeating the same operation may succeed. */
  readonly retriable?: boolean;
  /** The underlying error, if any. */
  readonly cause?: unknown;
}

/** Base class of every error shardflow raises on purpose. */
export class ShardflowError extends Error {
  /** Stable machine-readable code, e.g. `CONFIG_INVALID`. */
  readonly code: string;
  /** Whether repeating the same operation may succeed. */
  readonly retriable: boolean;

  constructor(code: string, message: string, options: ShardflowErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

/** Invalid configuration, found at start-up; names the offending field. Never retriable. */
export class ConfigError extends ShardflowError {
  /** Dotted path of the invalid field, e.g. `streamName`. */
  readonly field: string;

  constructor(field: string, message: string) {
    super('CONFIG_INVALID', `invalid configuration: ${field}: ${message}`);
    this.field = field;
  }
}

/** A temporary condition (throttling, timeout, 5xx) worth retrying with back-off. */
export class RetriableError extends ShardflowError {
  constructor(code: string, message: string, cause?: unknown) {
    super(code, message, { retriable: true, cause });
  }
}

/** A retry loop gave up: too many attempts or its deadline passed. Carries the last error. */
export class RetriesExhaustedError extends ShardflowError {
  /** How many attempts were made. */
  readonly attempts: number;

  constructor(attempts: number, cause: unknown) {
    super('RETRIES_EXHAUSTED', `gave up after ${attempts} attempt(s): ${describe(cause)}`, {
      cause,
    });
    this.attempts = attempts;
  }
}

/** True if `error` says it may succeed when repeated. Unknown errors are not retriable. */
export function isRetriable(error: unknown): boolean {
  return error instanceof ShardflowError && error.retriable;
}

/** A one-line description of any thrown value, for logs and error messages. */
export function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
