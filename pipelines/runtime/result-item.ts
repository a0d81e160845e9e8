/**
 * @module pipelines/runtime/result-item
 * The one thing a pipeline hands to its sinks: a {@link ResultItem} per window (or per dead
 * letter) carrying ALL of that window's outputs — the score line for the results lake, the
 * anomaly row if any, the prediction rows, the reading row. Invariant: a window's outputs
 * never travel separately; a shard commits past a record only when every item emitted
 * before the commit's snapshot is durable (`shard-runner.ts`).
 */
import type { DeadLetter } from '../../core/index.js';

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
}

/** No outputs at all. */
export const NO_OUTPUTS: Outputs = {
  scores: [],
  anomalies: [],
  predictions: [],
  readings: [],
  deadLetters: [],
};

/** An item for a dead letter (its positions are covered by the shard's next commit). */
export function deadLetterItem(pipeline: string, dead: DeadLetter): ResultItem {
  return { pipeline, outputs: { ...NO_OUTPUTS, deadLetters: [dead] } };
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
