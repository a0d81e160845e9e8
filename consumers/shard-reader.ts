/**
 * @module consumers/shard-reader
 * The contract between a shard consumer and its record source (polling or enhanced
 * fan-out), and the one mapping from a lease checkpoint to a Kinesis starting position.
 * Invariant: a real checkpoint restarts AT its sequence number (so the rest of an
 * aggregated record is re-read) and the consumer skips user records at or before it.
 */
import type { ChildShard, ShardIteratorType, _Record } from '@aws-sdk/client-kinesis';
import { ShardflowError } from '../core/index.js';
import { SENTINEL, type ExtendedSequenceNumber } from './lease.js';

/** One read from a shard. */
export interface ReadResult {
  readonly records: readonly _Record[];
  readonly millisBehindLatest?: number;
  /** Set when the shard is closed and fully read (iterator exhausted / no continuation). */
  readonly shardEnd: boolean;
  /** Children reported at SHARD_END, when the service provides them. */
  readonly childShards?: readonly ChildShard[];
}

/** A source of records for one shard. */
export interface ShardReader {
  /** The next batch (possibly empty); rejects only on a non-retriable failure or abort. */
  read(signal: AbortSignal): Promise<ReadResult>;
  /** Releases resources (subscriptions). */
  close(): void;
}

/** Where to start reading a shard. */
export interface StartingPosition {
  readonly type: ShardIteratorType;
  readonly sequenceNumber?: string;
  readonly timestamp?: Date;
}

/**
 * Maps a checkpoint (sentinel or real) to a starting position; `AT_TIMESTAMP` needs the
 * configured `timestamp` (throws without one).
 */
export function startingPosition(
  checkpoint: ExtendedSequenceNumber,
  timestamp?: Date,
): StartingPosition {
  switch (checkpoint.sequenceNumber) {
    case SENTINEL.TRIM_HORIZON:
      return { type: 'TRIM_HORIZON' };
    case SENTINEL.LATEST:
      return { type: 'LATEST' };
    case SENTINEL.AT_TIMESTAMP:
      // the configured start time, as the KCL does; never time 0 (a replay of the retention)
      if (!timestamp) {
        throw new ShardflowError('NO_START_TIME', 'a lease at AT_TIMESTAMP needs a start time');
      }
      return { type: 'AT_TIMESTAMP', timestamp };
    default:
      return { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: checkpoint.sequenceNumber };
  }
}

/** Resolves after `ms`, or rejects when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
