/**
 * @module operators/scheduling/idle-tracker
 * Detects keys that received nothing for a while, in processing time on an injected
 * scheduler, with ONE pending timer however many keys there are: keys are kept in a Map in
 * order of last activity (touching re-inserts), so the oldest is always first.
 *
 * Invariant: `onIdle(key)` is called once per quiet spell, at least `timeout` ms (scheduler
 * time) after the key's last `touch`, and never after `dispose()`.
 */
import type { SchedulerLike, Subscription } from 'rxjs';
import { ConfigError } from '../../core/index.js';

/**
 * Calls back when a key has been quiet for `timeout` ms; used by operators that hold state
 * per key (windows, resampling, pivoting) so quiet keys still flush — and their positions
 * still get acknowledged.
 *
 * @example
 * ```ts
 * const idle = new IdleTracker(120_000, scheduler, (key) => flush(key));
 * source.subscribe({ next: (x) => { process(x); idle.touch(keyOf(x)); } });
 * // on teardown: idle.dispose();
 * ```
 */
export class IdleTracker {
  readonly #lastSeen = new Map<string, number>();
  #timer: Subscription | undefined;
  #disposed = false;

  constructor(
    private readonly timeout: number,
    private readonly scheduler: SchedulerLike,
    private readonly onIdle: (key: string) => void,
  ) {
    if (!(timeout > 0) || !Number.isFinite(timeout)) {
      throw new ConfigError('idleTimeout', `must be a positive number, got ${timeout}`);
    }
  }

  /** Records activity of `key` now (scheduler time). */
  touch(key: string): void {
    if (this.#disposed) return;
    this.#lastSeen.delete(key);
    this.#lastSeen.set(key, this.scheduler.now());
    if (this.#timer === undefined) this.#arm(this.timeout);
  }

  /** Stops the timer; no further callbacks. */
  dispose(): void {
    this.#disposed = true;
    this.#timer?.unsubscribe();
    this.#timer = undefined;
    this.#lastSeen.clear();
  }

  #arm(delay: number): void {
    this.#timer = this.scheduler.schedule(() => this.#fire(), Math.max(0, delay));
  }

  #fire(): void {
    this.#timer = undefined;
    const now = this.scheduler.now();
    for (const [key, seen] of this.#lastSeen) {
      if (this.#disposed) return;
      if (seen + this.timeout > now) {
        this.#arm(seen + this.timeout - now);
        return;
      }
      this.#lastSeen.delete(key);
      this.onIdle(key);
    }
  }
}
