/**
 * @module core/retry
 * The single retry helper: bounded exponential back-off with full jitter and a bail-out
 * for errors that will not get better. Time and randomness are injected so tests are
 * exact; defaults use the real clock.
 */
import { RetriesExhaustedError, isRetriable } from './errors.js';

/** Back-off policy: delay for attempt n (0-based) is uniform in [0, min(max, initial·factorⁿ)]. */
export interface BackoffOptions {
  /** First delay ceiling in milliseconds. */
  readonly initialDelayMs?: number;
  /** Largest delay ceiling in milliseconds. */
  readonly maxDelayMs?: number;
  /** Growth factor per attempt. */
  readonly factor?: number;
}

/** Options of {@link retry}. */
export interface RetryOptions extends BackoffOptions {
  /** Retries after the first attempt (so at most `retries + 1` calls). */
  readonly retries?: number;
  /** Which errors to retry; by default those flagged `retriable`. */
  readonly shouldRetry?: (error: unknown, attempt: number) => boolean;
  /** Uniform random number in [0, 1); injected for exact tests. */
  readonly random?: () => number;
  /** Waits the given milliseconds; injected for virtual time. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called before each wait, e.g. to count retries. */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

/** The delay before retry `attempt` (0-based), with full jitter, given a random draw in [0, 1). */
export function backoffDelay(
  attempt: number,
  random: number,
  options: BackoffOptions = {},
): number {
  const { initialDelayMs = 100, maxDelayMs = 10_000, factor = 2 } = options;
  const ceiling = Math.min(maxDelayMs, initialDelayMs * factor ** attempt);
  return Math.floor(random * ceiling);
}

/** Waits `ms` milliseconds on the real clock. */
export const realSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `operation` until it succeeds, retrying errors `shouldRetry` accepts with bounded,
 * jittered exponential back-off. Non-retriable errors are rethrown at once; when retries
 * run out a {@link RetriesExhaustedError} carrying the last error is thrown.
 *
 * @example
 * const out = await retry(() => client.send(cmd), { retries: 5, shouldRetry: isThrottle });
 */
export async function retry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const {
    retries = 5,
    shouldRetry = isRetriable,
    random = Math.random,
    sleep = realSleep,
    onRetry,
  } = options;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!shouldRetry(error, attempt)) throw error;
      if (attempt >= retries) throw new RetriesExhaustedError(attempt + 1, error);
      const delay = backoffDelay(attempt, random(), options);
      onRetry?.(error, attempt, delay);
      await sleep(delay);
    }
  }
}
