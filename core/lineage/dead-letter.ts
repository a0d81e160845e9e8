/**
 * @module core/lineage/dead-letter
 * Dead letters: records an operator could not turn into output. They are data, not errors —
 * they flow on the same stream as results (see `flow.ts`), so a bad record never kills a
 * stream, and they carry their own positions so they are acknowledged once written.
 */
import type { PositionSet } from './position-set.js';

/** Every reason an operator dead-letters a record. */
export const DEAD_LETTER_REASONS = [
  'invalid-json',
  'schema',
  'out-of-range',
  'late',
  'future-timestamp',
  'unscorable',
] as const;

/**
 * Why a record was dead-lettered:
 * - `invalid-json`: the bytes are not UTF-8 JSON;
 * - `schema`: the JSON is not a known wire shape;
 * - `out-of-range`: a measure is outside its plausible range;
 * - `late`: the record's event time is behind the watermark (or an already closed window);
 * - `future-timestamp`: the record's event time is implausibly far ahead of the clock
 *   (beyond the allowed skew), so it must not move the watermark;
 * - `unscorable`: a model or feature could not produce a result for it (e.g. too little history).
 */
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

/**
 * A record that became no output, with enough context to inspect or replay it.
 *
 * @example
 * ```ts
 * { kind: 'dead-letter', reason: 'late', detail: 'window [0, 60000) closed at watermark 61000',
 *   raw: reading, positions }
 * ```
 */
export interface DeadLetter {
  readonly kind: 'dead-letter';
  readonly reason: DeadLetterReason;
  /** Human-readable explanation (e.g. the zod issue path and message). */
  readonly detail: string;
  /** The offending input: the UTF-8 text for `invalid-json`, else the value the operator saw. */
  readonly raw: unknown;
  /** The positions the dead letter stands for; ack them once the dead letter is written. */
  readonly positions: PositionSet;
}

/**
 * Builds a dead letter.
 * @example `deadLetter('schema', 'readings.iaq: expected number', json, t.positions)`
 */
export function deadLetter(
  reason: DeadLetterReason,
  detail: string,
  raw: unknown,
  positions: PositionSet,
): DeadLetter {
  return { kind: 'dead-letter', reason, detail, raw, positions };
}
