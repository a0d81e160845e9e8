/**
 * @module producers/token-bucket
 * Token buckets for the per-shard write limits (records/s and bytes/s). Pure: the caller
 * passes the current time, so tests are exact. A bucket never goes negative except by
 * an explicit {@link TokenBucket.drain} (used after a throttle to back off the shard).
 */
import { ConfigError } from '../core/index.js';

/** Options of a {@link TokenBucket}. */
export interface TokenBucketOptions {
  /** Tokens added per second. */
  readonly ratePerSecond: number;
  /** Largest number of tokens held; default one second's worth. */
  readonly capacity?: number;
  /** Time of creation (ms); the bucket starts full. */
  readonly now: number;
}

/** A token bucket refilled continuously at a fixed rate. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly rate: number;
  /** Largest number of tokens held. */
  readonly capacity: number;

  constructor({ ratePerSecond, capacity = ratePerSecond, now }: TokenBucketOptions) {
    if (!(ratePerSecond > 0) || !(capacity > 0)) {
      throw new ConfigError('tokenBucket', 'rate and capacity must be positive');
    }
    this.rate = ratePerSecond / 1000;
    this.capacity = capacity;
    this.tokens = capacity;
    this.last = now;
  }

  private refill(now: number): void {
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.rate);
      this.last = now;
    }
  }

  /** Whole tokens available at `now`. */
  available(now: number): number {
    this.refill(now);
    return Math.max(0, Math.floor(this.tokens));
  }

  /** Takes `n` tokens (callers check {@link available} first; a request above capacity may take a full bucket). */
  take(n: number, now: number): void {
    this.refill(now);
    this.tokens -= n;
  }

  /** Milliseconds until `n` tokens (capped at capacity) are available; 0 if they are now. */
  waitMs(n: number, now: number): number {
    this.refill(now);
    const need = Math.min(n, this.capacity) - this.tokens;
    return need <= 0 ? 0 : Math.ceil(need / this.rate);
  }

  /** Empties the bucket (after a throttle, the service says the shard is over its limit). */
  drain(now: number): void {
    this.refill(now);
    this.tokens = Math.min(this.tokens, 0);
  }
}
