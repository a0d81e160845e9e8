/**
 * @module localstack/firehose/errors
 * Errors the Firehose emulator answers with, by their real service names, so the SDK
 * raises the same exception classes (`ResourceNotFoundException`, …) it raises against AWS.
 * Invariant: every error a handler throws on purpose is a {@link FirehoseApiError}; anything
 * else is answered as a 500 `ServiceUnavailableException` (retriable, as on AWS).
 */

/** The error names of the Firehose API this emulator uses (Firehose API reference). */
export type FirehoseErrorName =
  | 'ResourceNotFoundException'
  | 'ResourceInUseException'
  | 'InvalidArgumentException'
  | 'LimitExceededException'
  | 'ServiceUnavailableException'
  | 'ValidationException'
  | 'UnknownOperationException'
  | 'SerializationException';

/** An API error with its wire name and HTTP status. */
export class FirehoseApiError extends Error {
  /** HTTP status of the response (400 client errors, 500 service unavailable). */
  readonly status: number;

  constructor(
    readonly errorName: FirehoseErrorName,
    message: string,
    status = errorName === 'ServiceUnavailableException' ? 500 : 400,
  ) {
    super(message);
    this.name = errorName;
    this.status = status;
  }
}

/** `ResourceNotFoundException` for a delivery stream that does not exist. */
export const streamNotFound = (name: string, account: string): FirehoseApiError =>
  new FirehoseApiError(
    'ResourceNotFoundException',
    `Firehose ${name} under account ${account} not found.`,
  );

/** `InvalidArgumentException` with the given message. */
export const invalidArgument = (message: string): FirehoseApiError =>
  new FirehoseApiError('InvalidArgumentException', message);

/** A model-constraint failure worded like the service's framework (`N validation error(s) detected: …`). */
export const validationError = (problems: readonly string[]): FirehoseApiError =>
  new FirehoseApiError(
    'ValidationException',
    `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: ${problems.join('; ')}`,
  );
