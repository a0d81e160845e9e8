/**
 * @module producers/producer-options
 * The options of the producer: what each means, its default, and the invariants checked
 * up front — an invalid combination fails at construction with a non-retriable
 * `ConfigError` (`CONFIG_INVALID`, naming the option), never later while records are in flight.
 */
import { ConfigError, realClock, type BackoffOptions, type Clock } from '../core/index.js';
import { DEFAULT_AGGREGATION_MAX_BYTES } from './aggregation.js';
import type { KinesisWriter } from './kinesis-writer.js';
import { MAX_RECORD_BYTES, SHARD_BYTES_PER_SECOND, SHARD_RECORDS_PER_SECOND } from './limits.js';
import type { ProducerListener } from './producer-events.js';

/** Where a record landed. */
export interface PutResult {
  readonly shardId: string;
  readonly sequenceNumber: string;
  /** Position inside a KPL aggregate; undefined when sent on its own. */
  readonly subSequenceNumber?: number;
  /** Sends it took. */
  readonly attempts: number;
}

/** Options of {@link KinesisProducer}; every field but `writer` has a default. */
export interface KinesisProducerOptions {
  /** The Kinesis edge (`sdkWriter(client, stream)` or `loopbackWriter()`). */
  readonly writer: KinesisWriter;
  /** Aggregate small records in the KPL format; default true. */
  readonly aggregate?: boolean;
  /** Largest aggregated record; default 51,200 (the KPL's). */
  readonly aggregationMaxBytes?: number;
  /** Records above this size are never aggregated; default 25,600. */
  readonly maxAggregatableBytes?: number;
  /** How long a record may wait for companions before a call is made; default 100 ms. */
  readonly lingerMs?: number;
  /** Concurrent put calls; default 4. */
  readonly maxInFlightCalls?: number;
  /** Bound of the buffer in records (back-pressure); default 10,000. */
  readonly maxBufferedRecords?: number;
  /** Bound of the buffer in bytes; default 64 MiB. */
  readonly maxBufferedBytes?: number;
  /** Per-shard token bucket, Kinesis records per second; default 1,000. */
  readonly recordsPerSecondPerShard?: number;
  /** Per-shard token bucket, bytes per second; default 1 MiB. */
  readonly bytesPerSecondPerShard?: number;
  /** Retries per record after its first send; default 10. */
  readonly retries?: number;
  /** Back-off between retries; default 100 ms doubling to 5 s, full jitter. */
  readonly backoff?: BackoffOptions;
  /** A record not delivered this long after `put()` fails with `TTL_EXPIRED`; default 30 s. */
  readonly recordTtlMs?: number;
  /** `perPartitionKey`: one in-flight `PutRecord` per shard with `SequenceNumberForOrdering`. */
  readonly ordering?: 'none' | 'perPartitionKey';
  /** Reload `ListShards` at least this often; default 60 s. */
  readonly shardMapTtlMs?: number;
  /** Injected time; default the real clock. */
  readonly clock?: Clock;
  /** Injected randomness for jitter; default `Math.random`. */
  readonly random?: () => number;
  /** Receives the producer's events (see producer-events.ts). */
  readonly onEvent?: ProducerListener;
}

/** Counters for progress lines. */
export interface ProducerStats {
  readonly accepted: number;
  readonly delivered: number;
  readonly failed: number;
  readonly retries: number;
  readonly calls: number;
  readonly throttles: number;
  /** Records re-sent because their aggregate straddled shards after a resharding. */
  readonly resent: number;
  readonly buffered: number;
  readonly inFlightCalls: number;
}

/** Options with every default applied (`onEvent` included). */
export type ResolvedProducerOptions = Required<Omit<KinesisProducerOptions, 'backoff'>> & {
  readonly backoff: BackoffOptions;
};

/** Applies the defaults and checks the invariants of the producer's options. */
export function resolveProducerOptions(options: KinesisProducerOptions): ResolvedProducerOptions {
  const {
    writer,
    aggregate = true,
    aggregationMaxBytes = DEFAULT_AGGREGATION_MAX_BYTES,
    maxAggregatableBytes = 25_600,
    lingerMs = 100,
    maxInFlightCalls = 4,
    maxBufferedRecords = 10_000,
    maxBufferedBytes = 64 * 1024 * 1024,
    recordsPerSecondPerShard = SHARD_RECORDS_PER_SECOND,
    bytesPerSecondPerShard = SHARD_BYTES_PER_SECOND,
    retries = 10,
    backoff = { initialDelayMs: 100, maxDelayMs: 5_000 },
    recordTtlMs = 30_000,
    ordering = 'none',
    shardMapTtlMs = 60_000,
    clock = realClock,
    random = Math.random,
    onEvent = () => undefined,
  } = options;
  const positive = {
    lingerMs: lingerMs + 1,
    maxInFlightCalls,
    maxBufferedRecords,
    retries: retries + 1,
  };
  for (const [name, value] of Object.entries(positive)) {
    if (!Number.isInteger(value) || value < 1) invalid(name, 'must be a non-negative integer');
  }
  if (aggregationMaxBytes < 64 || aggregationMaxBytes > MAX_RECORD_BYTES) {
    invalid('aggregationMaxBytes', `must be in [64, ${MAX_RECORD_BYTES}]`);
  }
  if (maxBufferedBytes < MAX_RECORD_BYTES) invalid('maxBufferedBytes', 'must be at least 1 MiB');
  if (!(recordsPerSecondPerShard > 0) || !(bytesPerSecondPerShard > 0)) {
    invalid('recordsPerSecondPerShard/bytesPerSecondPerShard', 'must be positive');
  }
  if (!(recordTtlMs > 0)) invalid('recordTtlMs', 'must be positive');
  return {
    writer,
    aggregate,
    aggregationMaxBytes,
    maxAggregatableBytes: Math.min(maxAggregatableBytes, aggregationMaxBytes - 64),
    lingerMs,
    maxInFlightCalls,
    maxBufferedRecords,
    maxBufferedBytes,
    recordsPerSecondPerShard,
    bytesPerSecondPerShard,
    retries,
    backoff,
    recordTtlMs,
    ordering,
    shardMapTtlMs,
    clock,
    random,
    onEvent,
  };
}

function invalid(option: string, message: string): never {
  throw new ConfigError(`producer.${option}`, message);
}
