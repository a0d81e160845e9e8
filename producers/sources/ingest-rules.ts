/**
 * @module producers/sources/ingest-rules
 * What the HTTP ingest accepts, as pure checks: the media type and encoding of a body, and
 * the plausibility of each schema-valid reading — every measure inside the plausible range
 * table normalize uses (`PLAUSIBLE_RANGES`), the event time not beyond the allowed skew ahead
 * of the ingest clock. Device ids are checked by the schema itself (`parseReading`).
 */
import {
  futureTimeProblem,
  implausibleMeasures,
  readingTime,
  type PlausibleRanges,
  type Reading,
} from '../../core/index.js';

/**
 * Why a body with this `Content-Type` and `Content-Encoding` cannot be read (answered 415),
 * or undefined. Only `application/json` (charset UTF-8, the default) without a content
 * coding (or `identity`) is read: the server decodes no compression.
 *
 * @example `unsupportedMediaProblem('text/plain', undefined) // 'content-type must be application/json …'`
 */
export function unsupportedMediaProblem(
  contentType: string | undefined,
  contentEncoding: string | undefined,
): string | undefined {
  const [type, ...params] = (contentType ?? '').split(';').map((p) => p.trim().toLowerCase());
  if (type !== 'application/json') {
    return `content-type must be application/json (got ${contentType === undefined ? 'none' : JSON.stringify(contentType)})`;
  }
  for (const param of params) {
    const [name, raw = ''] = param.split('=').map((s) => s.trim());
    const value = raw.replace(/^"|"$/g, '');
    if (name === 'charset' && value !== 'utf-8' && value !== 'utf8') {
      return `charset must be utf-8 (got ${JSON.stringify(value)})`;
    }
  }
  const coding = (contentEncoding ?? '').trim().toLowerCase();
  if (coding !== '' && coding !== 'identity') {
    return `content-encoding ${JSON.stringify(contentEncoding)} is not decoded: send the body uncompressed`;
  }
  return undefined;
}

/** The plausibility rules of {@link implausibleReadingProblem}. */
export interface ReadingRules {
  /** The ingest clock, epoch ms. */
  readonly now: number;
  /** How far (ms) an event time may be ahead of `now`. */
  readonly maxFutureSkewMs: number;
  /** Plausible range per measure (`PLAUSIBLE_RANGES`). */
  readonly ranges: PlausibleRanges;
}

/**
 * Why a schema-valid reading is not plausible (answered 400), or undefined: a measure outside
 * its range, or an event time beyond `maxFutureSkewMs` ahead of the ingest clock.
 *
 * @example `implausibleReadingProblem(r, { now: Date.now(), maxFutureSkewMs: 60_000, ranges: PLAUSIBLE_RANGES })`
 */
export function implausibleReadingProblem(
  reading: Reading,
  rules: ReadingRules,
): string | undefined {
  const outside = implausibleMeasures(reading.readings, rules.ranges);
  if (outside.length > 0) return `readings: ${outside.join('; ')}`;
  const future = futureTimeProblem(readingTime(reading), rules.now, rules.maxFutureSkewMs);
  return future === undefined ? undefined : `ts: ${future}`;
}
