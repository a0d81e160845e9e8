/**
 * @module producers/replay/archive-keys
 * The Firehose S3 key layout, read back: `prefix + YYYY/MM/DD/HH/ + name-version-
 * YYYY-MM-DD-HH-MM-SS-uuid[.gz]` (UTC). Pure: which hourly prefixes cover a time range, and
 * the delivery time encoded in an object key, so replay can list only what it needs and
 * read objects in delivery order.
 */

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The hourly key prefixes (`raw/2026/11/23/08/`) whose hour overlaps `[from, to)`. */
export function hourlyPrefixes(prefix: string, from: Date, to: Date): string[] {
  if (!(from.getTime() < to.getTime())) return [];
  const hour = 3_600_000;
  const out: string[] = [];
  for (let t = Math.floor(from.getTime() / hour) * hour; t < to.getTime(); t += hour) {
    const d = new Date(t);
    out.push(
      `${prefix}${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCHours())}/`,
    );
  }
  return out;
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
