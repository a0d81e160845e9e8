/**
 * @module producers
 * How data enters shardflow: the KPL-grade {@link KinesisProducer} (collection, KPL
 * aggregation, shard prediction, per-shard rate limits, retries of failed entries,
 * back-pressure, ordering) and the sources that feed it.
 */
export { RecordFailedError, RecordRejectedError } from './errors.js';
export type { FailureReason, RejectionReason } from './errors.js';
export {
  checkRecord,
  MAX_CALL_BYTES,
  MAX_CALL_RECORDS,
  MAX_HASH_KEY,
  MAX_PARTITION_KEY_CHARS,
  MAX_RECORD_BYTES,
  SHARD_BYTES_PER_SECOND,
  SHARD_RECORDS_PER_SECOND,
} from './limits.js';
export type { CheckedRecord, UserRecord } from './limits.js';
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
export type { PutManyFailure, PutManyResult } from './put-batch.js';
export { resolveProducerOptions } from './producer-options.js';
export type {
  KinesisProducerOptions,
  PutResult,
  ProducerStats,
  ResolvedProducerOptions,
} from './producer-options.js';
export { producerMetrics } from './producer-events.js';
export { Pacer, paced, parseSpeed } from './pacing.js';
export type { PacedIterable, PacerOptions, PacingOptions, ReplaySpeed } from './pacing.js';
export type { ProducerEvent, ProducerListener } from './producer-events.js';
export {
  apiKeyMatcher,
  decideMqttMessage,
  DEFAULT_MQTT_TOPIC,
  deviceIdOfTopic,
  DeviceSimulator,
  firehoseMqttDeadLetters,
  householdEvents,
  householdId,
  loadApiKey,
  loadHouseholdRows,
  MIN_API_KEY_LENGTH,
  parseHouseholdRows,
  publishReadings,
  startHttpIngest,
  startMqttBridge,
} from './sources/index.js';
export type {
  AnomalyKind,
  AnomalyLabel,
  ApiKeySources,
  DeviceSimulatorOptions,
  HouseholdEvent,
  HouseholdReplayOptions,
  HouseholdRow,
  HttpIngest,
  HttpIngestOptions,
  MqttBridge,
  MqttBridgeOptions,
  MqttBridgeStats,
  MqttDeadLetter,
  MqttMessageOutcome,
  MqttPublishOptions,
} from './sources/index.js';
export { eventTimeOf, replayArchive, splitRecords } from './replay/index.js';
export type {
  ArchivePiece,
  ReplayOptions,
  ReplayProblem,
  ReplayProgress,
  ReplayRecord,
  ReplaySummary,
} from './replay/index.js';
