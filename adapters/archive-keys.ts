/**
 * @module adapters/archive-keys
 * The Firehose S3 key layout, read back: `prefix + YYYY/MM/DD/HH/ + name-version-
 * YYYY-MM-DD-HH-MM-SS-uuid[.gz]` (UTC). Pure: which key range covers a time range, and
 * the delivery time encoded in an object key, so replay can list only what it needs and
 * read objects in delivery order.
 */

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The hour folder of `date` under `prefix` (`raw/2026/11/23/08/`), UTC. */
export function hourPrefix(prefix: string, date: Date): string {
  return `${prefix}${pad(date.getUTCFullYear(), 4)}/${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCDate())}/${pad(date.getUTCHours())}/`;
}

/** The lexicographic key range of an archive's objects, for one ranged listing. */
export interface KeyRange {
  /** List keys after this one (S3 `StartAfter`). */
  readonly startAfter: string;
  /** Stop at the first key ≥ this one. */
  readonly end: string;
}

const HOUR = 3_600_000;
const FIRST_YEAR = new Date('0000-01-01T00:00:00Z').getTime();
const AFTER_LAST_YEAR = new Date('+010000-01-01T00:00:00Z').getTime();

/**
 * The key range holding every object whose hour folder overlaps `[from, to)`. Firehose's
 * `YYYY/MM/DD/HH/` folders sort as their times do, so a date range is one key range: listing
 * it costs one request per 1,000 objects found, whatever the span (200 years of empty
 * archive is one request, not 1.75 million hour prefixes). Undefined for an empty range.
 */
export function keyRange(prefix: string, from: Date, to: Date): KeyRange | undefined {
  if (!(from.getTime() < to.getTime())) return undefined;
  const start = Math.max(from.getTime(), FIRST_YEAR);
  const end = Math.ceil(to.getTime() / HOUR) * HOUR;
  if (start >= AFTER_LAST_YEAR) return undefined;
  return {
    startAfter: hourPrefix(prefix, new Date(Math.floor(start / HOUR) * HOUR)),
    // ':' sorts right after '9': past every four-digit year
    end: end >= AFTER_LAST_YEAR ? `${prefix}:` : hourPrefix(prefix, new Date(end)),
  };
}

const OBJECT_TIME =
  /-(\d{4})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-(\d{2})-[0-9a-fA-F-]{36}(?:\.[a-z0-9]+)*$/;

/**
 * The delivery time Firehose encoded in an object's name, or `undefined` if the key does
 * not follow the Firehose naming (such objects are reported, not guessed at).
 */
export function objectTime(key: string): Date | undefined {
  const m = OBJECT_TIME.exec(key);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  return Number.isNaN(t) ? undefined : new Date(t);
}

/** Sorts keys by encoded delivery time, then by key, so replay reads in delivery order. */
export function sortByDelivery(keys: readonly string[]): string[] {
  return [...keys].sort((a, b) => {
    const ta = objectTime(a)?.getTime() ?? 0;
    const tb = objectTime(b)?.getTime() ?? 0;
    return ta - tb || (a < b ? -1 : a > b ? 1 : 0);
  });
}
