/**
 * @module producers/sources/pacing
 * Paces a time-ordered source against a clock: an event with simulated time `t` is released
 * when `(t − t0) / speed` of real time has passed since the first event. `speed` 1 is real
 * time, 60 is a simulated hour a minute, `Infinity` is as fast as possible.
 */

/** Options of {@link paced}. */
export interface PacingOptions<T> {
  /** Simulated time of an item, in epoch ms. */
  readonly timeOf: (item: T) => number;
  /** Simulated ms per real ms; default Infinity (no waiting). */
  readonly speed?: number;
  /** Current real time; default `Date.now`. */
  readonly now?: () => number;
  /** Waits `ms` of real time; default `setTimeout`. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Stops the iteration early when it returns true. */
  readonly stopped?: () => boolean;
}

/** How far (ms of real time) the source is behind its schedule; updated as it runs. */
export interface PacedIterable<T> extends AsyncIterable<T> {
  readonly lagMs: number;
}

/** Releases `items` at the pace of their simulated times. */
export function paced<T>(items: Iterable<T>, options: PacingOptions<T>): PacedIterable<T> {
  const {
    timeOf,
    speed = Number.POSITIVE_INFINITY,
    now = Date.now,
    sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
    stopped = () => false,
  } = options;
  if (!(speed > 0)) throw new RangeError('speed must be positive');
  const state = { lagMs: 0 };
  return {
    get lagMs() {
      return state.lagMs;
    },
    async *[Symbol.asyncIterator]() {
      let origin: { sim: number; real: number } | undefined;
      for (const item of items) {
        if (stopped()) return;
        const sim = timeOf(item);
        origin ??= { sim, real: now() };
        if (Number.isFinite(speed)) {
          const due = origin.real + (sim - origin.sim) / speed;
          const wait = due - now();
          if (wait > 0) await sleep(wait);
          state.lagMs = Math.max(0, now() - due);
        }
        yield item;
      }
    },
  };
}
