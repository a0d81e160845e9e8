/**
 * @module operators/scoring/circuit-breaker
 * A circuit breaker over an injected clock: `closed` lets calls through and counts
 * consecutive failures; at `failureThreshold` it turns `open` and refuses calls for
 * `resetAfterMs`; then `half-open` lets `halfOpenCalls` trial calls through — a success
 * closes it, a failure opens it again. Invariant: while open, `tryAcquire` is false until
 * the clock passes the reopening time.
 */
import { ConfigError } from '../../core/index.js';

/** Options of {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker; default 5. */
  readonly failureThreshold?: number;
  /** How long the breaker stays open before a trial call; default 30,000 ms. */
  readonly resetAfterMs?: number;
  /** Trial calls allowed at once while half-open; default 1. */
  readonly halfOpenCalls?: number;
}

/** Breaker states. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** A circuit breaker (see module doc). */
export class CircuitBreaker {
  private readonly failureThreshold: number;
  private readonly resetAfterMs: number;
  private readonly halfOpenCalls: number;
  private failures = 0;
  private openedAt = 0;
  private trials = 0;
  private current: BreakerState = 'closed';

  constructor(
    private readonly now: () => number,
    options: CircuitBreakerOptions = {},
    private readonly onChange?: (state: BreakerState) => void,
  ) {
    const { failureThreshold = 5, resetAfterMs = 30_000, halfOpenCalls = 1 } = options;
    if (!Number.isInteger(failureThreshold) || failureThreshold < 1)
      throw new ConfigError('breaker.failureThreshold', 'must be an integer ≥ 1');
    if (!(resetAfterMs >= 0)) throw new ConfigError('breaker.resetAfterMs', 'must be ≥ 0');
    if (!Number.isInteger(halfOpenCalls) || halfOpenCalls < 1)
      throw new ConfigError('breaker.halfOpenCalls', 'must be an integer ≥ 1');
    this.failureThreshold = failureThreshold;
    this.resetAfterMs = resetAfterMs;
    this.halfOpenCalls = halfOpenCalls;
  }

  /** The state now (an open breaker past its reset time reads as half-open). */
  get state(): BreakerState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.resetAfterMs) {
      this.transition('half-open');
      this.trials = 0;
    }
    return this.current;
  }

  /** Whether a call may go out now; a granted half-open trial must be reported back. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open') return false;
    if (this.trials >= this.halfOpenCalls) return false;
    this.trials += 1;
    return true;
  }

  /** Reports a successful call. */
  onSuccess(): void {
    this.failures = 0;
    if (this.current !== 'closed') this.transition('closed');
  }

  /** Reports a failed call (one that says the service is unhealthy). */
  onFailure(): void {
    this.failures += 1;
    if (this.current === 'half-open' || this.failures >= this.failureThreshold) {
      this.openedAt = this.now();
      this.transition('open');
    }
  }

  private transition(state: BreakerState): void {
    if (this.current === state) return;
    this.current = state;
    this.onChange?.(state);
  }
}
