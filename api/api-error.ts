/**
 * @module api/api-error
 * The errors a route answers with instead of data: 400 naming the bad parameter, 401, 404,
 * 405. A route throws one; the server turns it into the status and a JSON body
 * `{ message, field? }`. Anything else thrown is a 500 with no internals in the body.
 */
import { ShardflowError } from '../core/index.js';

/** An HTTP error answer. */
export class ApiError extends ShardflowError {
  constructor(
    /** HTTP status. */
    readonly status: 400 | 401 | 404 | 405 | 413 | 503,
    message: string,
    /** The query parameter (or body field) at fault, for 400s. */
    readonly field?: string,
  ) {
    super(`HTTP_${status}`, message);
  }

  /** The JSON body of the answer. */
  body(): { message: string; field?: string } {
    return this.field === undefined
      ? { message: this.message }
      : { message: this.message, field: this.field };
  }
}

/** A 400 naming `field`. */
export const badParameter = (field: string, message: string): ApiError =>
  new ApiError(400, `${field}: ${message}`, field);
