/**
 * @module producers/replay/pacing
 * When to re-put an archived record: at its original pace (gaps between event times)
 * divided by a speed factor, or as fast as possible. Pure; the replay loop supplies the
 * clock. Gaps are capped so a hole in the archive does not stall a replay for hours.
 */

/** `'max'` or a positive factor (10 = ten times faster than real time). */
export type ReplaySpeed = number | 'max';

/** Parses `--speed` values: `10x`, `10`, `0.5x`, `max`. */
export function parseSpeed(text: string): ReplaySpeed {
  const t = text.trim().toLowerCase();
  if (t === 'max') return 'max';
  const n = Number(t.endsWith('x') ? t.slice(0, -1) : t);
  if (!Number.isFinite(n) || n <= 0)
    throw new RangeError(`--speed must be like 10x, 0.5x or max, got ${text}`);
  return n;
}

/** Options of {@link Pacer}. */
export interface PacerOptions {
  readonly speed: ReplaySpeed;
  /** Longest wait between two records, in ms of wall time (default 5,000). */
  readonly maxGapMs?: number;
}

/**
 * Maps event times to wall-clock due times: the first record is due at once; each next one
 * is due when its event-time distance from the previous one, divided by `speed`, has passed.
 * Out-of-order event times are due at once (never earlier than the previous record).
 */
export class Pacer {
  readonly #speed: ReplaySpeed;
  readonly #maxGapMs: number;
  #lastEvent: number | undefined;
  #lastDue = 0;

  constructor({ speed, maxGapMs = 5_000 }: PacerOptions) {
    if (speed !== 'max' && !(speed > 0)) throw new RangeError('speed must be positive or "max"');
    this.#speed = speed;
    this.#maxGapMs = maxGapMs;
  }

  /** The wall time (ms) at which a record of event time `eventMs` is due, given `nowMs` for the first. */
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

/** The partition key of an archived reading: its device or household id (ARCHITECTURE.md). */
export function partitionKeyOf(record: unknown): string | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const r = record as Record<string, unknown>;
  for (const field of ['deviceId', 'householdId', 'devid']) {
    const v = r[field];
    if (typeof v === 'string' && v.length > 0) return v;
  }
  return undefined;
}

/** The event time of an archived reading (`ts`), in epoch ms, if present and valid. */
export function eventTimeOf(record: unknown): number | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const ts = (record as Record<string, unknown>).ts;
  const t = typeof ts === 'string' ? Date.parse(ts) : typeof ts === 'number' ? ts : NaN;
  return Number.isFinite(t) ? t : undefined;
}
