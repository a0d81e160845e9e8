/**
 * @module model-server/payload-error
 * The client error of an invocation payload (its own module so the payload parsers —
 * `payloads.ts`, `covariates.ts` — share it without an import cycle).
 */
import { ShardflowError } from '../core/index.js';

/** A client error in an invocation payload: maps to an HTTP 4xx with `reason`. */
export class PayloadError extends ShardflowError {
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super('BAD_PAYLOAD', reason);
  }
}
