/**
 * @module sinks/dead-letter-sink
 * Writes dead letters (invalid, late, unscorable records) to the dead-letter Firehose
 * delivery stream, which lands them in S3 under `dead-letters/`. Each line holds the reason,
 * the detail, the source positions (shard → ordinal ranges) and the raw payload — text as
 * is, bytes as base64 — so a record can be inspected or replayed. Acknowledges a dead
 * letter's positions only once Firehose accepted it, like any sink.
 */
import type { FirehoseClient } from '@aws-sdk/client-firehose';
import { traced, type DeadLetter, type PositionSetJson } from '../core/index.js';
import { createFirehoseSink, type FirehoseSinkOptions } from './firehose-sink.js';
import type { SinkResult } from './sink.js';

/** One line of the dead-letter archive. */
export interface DeadLetterLine {
  readonly reason: DeadLetter['reason'];
  readonly detail: string;
  /** Source positions: shard id → inclusive `[from, to]` ordinal ranges. */
  readonly positions: PositionSetJson;
  /**
   * The Kinesis records behind it (shard, sequence and sub-sequence number), when the
   * consumer could still name them; at most {@link MAX_SOURCES} entries.
   */
  readonly source?: readonly SourcePosition[];
  /** The raw payload: text, a JSON value, or `{ base64 }` for bytes. */
  readonly raw: unknown;
  /** When the dead letter was written (ISO-8601, UTC). */
  readonly at: string;
  /** Which pipeline produced it, if given. */
  readonly pipeline?: string;
}

/** A source record's Kinesis position. */
export interface SourcePosition {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly subSequenceNumber: number;
}

/** Maps a (shard, ordinal) to its Kinesis position while it is in flight (`Consumer.positionOf`). */
export type PositionResolver = (
  shardId: string,
  ordinal: number,
) => { readonly sequenceNumber: string; readonly subSequenceNumber: number } | undefined;

/** Most source positions named on one dead-letter line. */
export const MAX_SOURCES = 100;

/** Options of {@link createDeadLetterSink}. */
export interface DeadLetterSinkOptions {
  readonly client: FirehoseClient;
  /** The dead-letter delivery stream (`config.deadLetterDeliveryStream`). */
  readonly deliveryStreamName: string;
  readonly pipeline?: string;
  /** Names each dead letter's source records by Kinesis position. */
  readonly resolvePosition?: PositionResolver;
  readonly clock?: () => number;
  readonly retry?: FirehoseSinkOptions<DeadLetter>['retry'];
  readonly onEvent?: FirehoseSinkOptions<DeadLetter>['onEvent'];
}

/** The archive line of a dead letter. */
export function deadLetterLine(
  dead: DeadLetter,
  at: number,
  pipeline?: string,
  resolvePosition?: PositionResolver,
): DeadLetterLine {
  const source: SourcePosition[] = [];
  if (resolvePosition) {
    outer: for (const p of dead.positions) {
      const found = resolvePosition(p.shardId, p.ordinal);
      if (found) source.push({ shardId: p.shardId, ...found });
      if (source.length >= MAX_SOURCES) break outer;
    }
  }
  const raw =
    dead.raw instanceof Uint8Array
      ? { base64: Buffer.from(dead.raw).toString('base64') }
      : dead.raw;
  return {
    reason: dead.reason,
    detail: dead.detail,
    positions: dead.positions.toJSON(),
    ...(source.length > 0 ? { source } : {}),
    raw,
    at: new Date(at).toISOString(),
    ...(pipeline ? { pipeline } : {}),
  };
}

/** A sink of dead letters; `write` reports the positions that are now safely dead-lettered. */
export function createDeadLetterSink(options: DeadLetterSinkOptions): {
  write(deadLetters: readonly DeadLetter[]): Promise<SinkResult<DeadLetter>>;
} {
  const { clock = Date.now, pipeline, resolvePosition, ...rest } = options;
  const sink = createFirehoseSink<DeadLetter>({
    ...rest,
    serialize: (dead) => JSON.stringify(deadLetterLine(dead, clock(), pipeline, resolvePosition)),
  });
  return {
    write: (deadLetters) => sink.write(deadLetters.map((d) => traced(d, d.positions))),
  };
}
