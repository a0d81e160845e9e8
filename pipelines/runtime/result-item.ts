/**
 * @module pipelines/runtime/result-item
 * The one thing a pipeline hands to its sinks: a {@link ResultItem} per window (or per dead
 * letter, or per skipped record) carrying ALL of that window's outputs — the score line for
 * the results lake, the anomaly row if any, the prediction rows — and the claims it holds.
 * Invariant: a window's outputs never travel separately, so no branch can ack alone.
 */
import type { DeadLetter } from '../../core/index.js';
import { Claim, type AckLedger } from './ack-ledger.js';

/** A DynamoDB result row: its key and non-key attributes. */
export interface ResultRow {
  readonly key: Readonly<Record<string, string>>;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** Everything derived from one window (or one record), by destination. */
export interface Outputs {
  /** Lines for the results Firehose (score lines). */
  readonly scores: readonly Readonly<Record<string, unknown>>[];
  /** Rows for the anomalies table. */
  readonly anomalies: readonly ResultRow[];
  /** Rows for the predictions table. */
  readonly predictions: readonly ResultRow[];
  /** Rows for the readings table (the window's resampled values, for the query API). */
  readonly readings: readonly ResultRow[];
  /** Dead letters for the dead-letter Firehose. */
  readonly deadLetters: readonly DeadLetter[];
}

/** A unit of work for the sinks; see the module doc. */
export interface ResultItem {
  /** Which pipeline produced it (`devices`, `households`, `front`). */
  readonly pipeline: string;
  readonly outputs: Outputs;
  /** Claims to release once every output is durable (registered with the ledger already). */
  readonly holds: readonly Claim[];
}

/** No outputs at all. */
export const NO_OUTPUTS: Outputs = {
  scores: [],
  anomalies: [],
  predictions: [],
  readings: [],
  deadLetters: [],
};

/**
 * An item for a dead letter: holds (and closes) one claim of the dead letter's positions,
 * registered with `ledger`, so they are acked once the dead letter is durable.
 */
export function deadLetterItem(ledger: AckLedger, pipeline: string, dead: DeadLetter): ResultItem {
  const claim = new Claim(dead.positions);
  ledger.hold([claim]);
  ledger.close([claim]);
  return { pipeline, outputs: { ...NO_OUTPUTS, deadLetters: [dead] }, holds: [claim] };
}

/** Counts the outputs of an item. */
export function outputCount(item: ResultItem): number {
  const o = item.outputs;
  return (
    o.scores.length +
    o.anomalies.length +
    o.predictions.length +
    o.readings.length +
    o.deadLetters.length
  );
}
