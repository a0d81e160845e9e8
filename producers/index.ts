/**
 * @module producers
 * How data enters shardflow: the KPL-grade {@link KinesisProducer} (collection, KPL
 * aggregation, shard prediction, per-shard rate limits, retries of failed entries,
 * back-pressure, ordering) and the sources that feed it.
 */
export * from './errors.js';
export * from './limits.js';
export { ShardMap, hashKeyOf } from './shard-map.js';
export type { ShardDescription, ShardRange } from './shard-map.js';
export { TokenBucket } from './token-bucket.js';
export type { TokenBucketOptions } from './token-bucket.js';
export {
  KplAggregate,
  deaggregate,
  AGGREGATION_OVERHEAD_BYTES,
  DEFAULT_AGGREGATION_MAX_BYTES,
} from './aggregation.js';
export type { AggregatedUserRecord, DeaggregatedRecord } from './aggregation.js';
export { planCall } from './batcher.js';
export type { PlannedEntry, PlanOptions, QueuedRecord, ShardBudget } from './batcher.js';
export { sdkWriter, loopbackWriter } from './kinesis-writer.js';
export type { KinesisWriter, WireEntry, EntryOutcome } from './kinesis-writer.js';
export { KinesisProducer } from './producer.js';
export { resolveProducerOptions } from './producer-options.js';
export type {
  KinesisProducerOptions,
  PutResult,
  ProducerStats,
  ResolvedProducerOptions,
} from './producer-options.js';
export { producerMetrics } from './producer-events.js';
export type { ProducerEvent, ProducerListener } from './producer-events.js';
export * from './sources/index.js';
export * from './replay/index.js';
