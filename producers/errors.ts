/**
 * @module producers/errors
 * Errors the producer reports for individual records. A record is either rejected at
 * `put()` (it can never be sent: too large, malformed — never retriable) or fails after
 * being accepted (retries or time-to-live exhausted), carrying the reason and attempt count.
 */
import { ShardflowError } from '../core/index.js';

/** Why a record was rejected at `put()`. */
export type RejectionReason = 'RECORD_TOO_LARGE' | 'RECORD_INVALID' | 'PRODUCER_CLOSED';

/** A record that can never be sent; raised by `put()` before anything goes on the wire. */
export class RecordRejectedError extends ShardflowError {
  constructor(code: RejectionReason, message: string) {
    super(code, message);
  }
}

/** Why an accepted record could not be delivered. */
export type FailureReason = 'RETRIES_EXHAUSTED' | 'TTL_EXPIRED' | 'NON_RETRIABLE';

/** An accepted record that was given up on; `lastErrorCode` is the last AWS error seen. */
export class RecordFailedError extends ShardflowError {
  /** Why the producer gave up. */
  readonly reason: FailureReason;
  /** Sends attempted for this record. */
  readonly attempts: number;
  /** Last error code from Kinesis (per-entry `ErrorCode` or the call's error name). */
  readonly lastErrorCode: string;

  constructor(reason: FailureReason, attempts: number, lastErrorCode: string, detail = '') {
    super(
      reason,
      `record not delivered (${reason}) after ${attempts} attempt(s): ${lastErrorCode}${detail ? ` — ${detail}` : ''}`,
    );
    this.reason = reason;
    this.attempts = attempts;
    this.lastErrorCode = lastErrorCode;
  }
}
