/**
 * @module producers/pacing
 * The one pacer of simulated and archived time: when to release an item of event time `t`
 * so that event-time gaps pass as wall-clock gaps divided by a speed (1 real time, 60 a
 * simulated hour a minute, `'max'` as fast as possible). {@link Pacer} is the pure rule (the
 * caller supplies the clock); {@link paced} applies it to an iterable. Out-of-order items are
 * due at once; a gap can be capped so a hole in an archive does not stall a replay for hours.
 */
import { ConfigError } from '../core/index.js';

/** `'max'` or a positive factor (10 = ten times faster than real time). */
export type ReplaySpeed = number | 'max';

/**
 * Parses `--speed` values: `10x`, `10`, `0.5x`, `max`.
 * @example `parseSpeed('10x') // 10`
 */
export function parseSpeed(text: string): ReplaySpeed {
  const t = text.trim().toLowerCase();
  if (t === 'max') return 'max';
  const n = Number(t.endsWith('x') ? t.slice(0, -1) : t);
  if (!Number.isFinite(n) || n <= 0 || t === '')
    throw new ConfigError('--speed', `must be like 10x, 0.5x or max, got ${JSON.stringify(text)}`);
  return n;
}

/** Options of {@link Pacer}. */
export interface PacerOptions {
  readonly speed: ReplaySpeed;
  /** Longest wait between two items, in ms of wall time; default unbounded. */
  readonly maxGapMs?: number;
}

/**
 * Maps event times to wall-clock due times: the first item is due at once; each next one is
 * due when its event-time distance from the latest earlier one, divided by `speed` (capped at
 * `maxGapMs`), has passed. Out-of-order event times are due at once.
 */
export class Pacer {
  readonly #speed: ReplaySpeed;
  readonly #maxGapMs: number;
  #lastEvent: number | undefined;
  #lastDue = 0;

  constructor({ speed, maxGapMs = Number.POSITIVE_INFINITY }: PacerOptions) {
    if (speed !== 'max' && !(speed > 0))
      throw new ConfigError('speed', 'must be positive or "max"');
    this.#speed = speed;
    this.#maxGapMs = maxGapMs;
  }

  /** The wall time (ms) at which an item of event time `eventMs` is due, given `nowMs` for the first. */
  due(eventMs: number | undefined, nowMs: number): number {
    if (this.#speed === 'max') return nowMs;
    if (this.#lastEvent === undefined) {
      this.#lastDue = nowMs;
      this.#lastEvent = eventMs;
      return nowMs;
    }
    if (eventMs === undefined) return this.#lastDue;
    const gap = Math.min(this.#maxGapMs, Math.max(0, (eventMs - this.#lastEvent) / this.#speed));
    this.#lastEvent = Math.max(this.#lastEvent, eventMs);
    this.#lastDue += gap;
    return this.#lastDue;
  }
}

/** Options of {@link paced}. */
export interface PacingOptions<T> {
  /** Simulated (event) time of an item, in epoch ms. */
  readonly timeOf: (item: T) => number;
  /** Simulated ms per real ms, or `'max'`; default `'max'` (no waiting). */
  readonly speed?: ReplaySpeed;
  /** Longest wait between two items; default unbounded. */
  readonly maxGapMs?: number;
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

/**
 * Releases `items` at the pace of their simulated times (a {@link Pacer} on a clock).
 * @example `for await (const r of paced(readings, { timeOf: readingTime, speed: 60 })) put(r)`
 */
export function paced<T>(items: Iterable<T>, options: PacingOptions<T>): PacedIterable<T> {
  const {
    timeOf,
    speed = 'max',
    maxGapMs,
    now = Date.now,
    sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
    stopped = () => false,
  } = options;
  const unbounded = speed === Number.POSITIVE_INFINITY ? 'max' : speed;
  const pacer = new Pacer({ speed: unbounded, ...(maxGapMs === undefined ? {} : { maxGapMs }) });
  const state = { lagMs: 0 };
  return {
    get lagMs() {
      return state.lagMs;
    },
    async *[Symbol.asyncIterator]() {
      for (const item of items) {
        if (stopped()) return;
        if (unbounded !== 'max') {
          const due = pacer.due(timeOf(item), now());
          const wait = due - now();
          if (wait > 0) await sleep(wait);
          state.lagMs = Math.max(0, now() - due);
        }
        yield item;
      }
    },
  };
}
