/**
 * @module sinks
 * The sinks of shardflow's pipelines: DynamoDB result rows, Firehose (results lake) and
 * dead letters. Each takes injected SDK clients (from `createAwsClients`) and traced
 * items, and reports the positions that became durable plus per-item failures.
 */
export { sinkResult, subtractPositions } from './sink.js';
export type { Sink, SinkEvent, SinkFailure, SinkResult } from './sink.js';
export { packBatches } from './batching.js';
export type { Batches, BatchLimits } from './batching.js';
export { anomalyKey, predictionKey } from './keys.js';
export type { ResultKey } from './keys.js';
export { anomalyEventRow, responsibleMeasures } from './anomaly-rows.js';
export type { AnomalyEventFields, AnomalyEventRow, ExplanationColumn } from './anomaly-rows.js';
export { createFirehoseSink, FIREHOSE_LIMITS } from './firehose-sink.js';
export type { FirehoseSinkOptions } from './firehose-sink.js';
export { createDynamoDbSink, DYNAMODB_LIMITS } from './dynamodb-sink.js';
export type { DynamoDbSinkOptions, TtlOptions } from './dynamodb-sink.js';
export { createDeadLetterSink, deadLetterLine, MAX_SOURCES } from './dead-letter-sink.js';
export type {
  DeadLetterLine,
  DeadLetterSinkOptions,
  PositionResolver,
  SourcePosition,
} from './dead-letter-sink.js';
export { createReadingsSink, readingRowKey, READINGS_INDEX_PARTITION } from './readings-sink.js';
export type { KeyedRow, ReadingsSinkOptions } from './readings-sink.js';
export { sinkMetrics } from './sink-metrics.js';
export { writeInBatches } from './write-to-sink.js';
export type { WriteToSinkOptions } from './write-to-sink.js';
