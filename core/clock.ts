/**
 * @module core/clock
 * The one injected clock: the current time and a cancellable timer. Code that waits or
 * timestamps takes a {@link Clock} so tests and simulations run on {@link VirtualClock}
 * (time moves only when told) and production on {@link realClock}.
 */

/** Injected time: the current time and a cancellable timer. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `fn` after `ms`; returns a function that cancels it. */
  setTimer(ms: number, fn: () => void): () => void;
}

/** The real clock (`Date.now`, `setTimeout`). */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

/**
 * Waits `ms` on `clock`.
 * @example `await sleepOn(clock, 100)`
 */
export function sleepOn(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimer(ms, () => resolve()));
}

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

/** Settles pending promise callbacks (several rounds, for chained awaits). */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i += 1) await new Promise<void>((r) => setImmediate(r));
}

/**
 * A clock whose time advances only on request: due timers run in time order with pending
 * promise callbacks settled between them. For exact tests and simulations.
 *
 * @example
 * ```ts
 * const clock = new VirtualClock();
 * const producer = new KinesisProducer({ writer, clock });
 * await clock.advance(1_000);
 * ```
 */
export class VirtualClock implements Clock {
  private time: number;
  private seq = 0;
  private timers: Timer[] = [];

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(ms: number, fn: () => void): () => void {
    const timer = { at: this.time + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Moves time forward by `ms`, running every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    await settle();
    for (;;) {
      const due = this.timers
        .filter((t) => t.at <= target)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.fn();
      await settle();
    }
    this.time = target;
    await settle();
  }
}
