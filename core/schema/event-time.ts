/**
 * @module core/schema/event-time
 * The plausibility bound on event time: a reading dated further ahead of the ingest clock
 * than an allowed skew is a clock fault (or an attack), not data. The HTTP edge answers such
 * readings 400; the pipelines' windows dead-letter them as `future-timestamp`, so one bad
 * clock cannot move the shard's watermark past what is plausible. Pure: the clock is passed in.
 */

/**
 * Default allowed skew of event time ahead of the ingest clock: 60 s — far more than
 * NTP-synchronized devices drift, small enough that one key within it cannot make other
 * keys' readings late by more than a minute.
 */
export const DEFAULT_MAX_FUTURE_SKEW_MS = 60_000;

const LARGEST_DATE_MS = 8.64e15;
const describeTime = (t: number): string =>
  Math.abs(t) <= LARGEST_DATE_MS ? new Date(t).toISOString() : String(t);

/**
 * Why event time `time` is implausible — more than `maxSkewMs` ahead of the clock `now`
 * (all epoch ms) — or undefined when it is plausible. `maxSkewMs = Infinity` accepts any time.
 *
 * @example `futureTimeProblem(Date.parse('9999-12-31T00:00:00Z'), now, 60_000) // 'event time 9999-12-31T00:00:00.000Z is … ahead of …'`
 */
export function futureTimeProblem(
  time: number,
  now: number,
  maxSkewMs: number,
): string | undefined {
  if (!(time - now > maxSkewMs)) return undefined;
  return (
    `event time ${describeTime(time)} is ${time - now} ms ahead of the ingest clock ` +
    `${describeTime(now)} (at most ${maxSkewMs} ms allowed)`
  );
}
