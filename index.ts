/**
 * @module shardflow
 * The public face of the `shardflow` package: the {@link Shardflow} entry point, the
 * configuration and error types, the producer and consumer, and the contracts that flow
 * between them. Operators, models, sinks and testing helpers have their own subpaths
 * (`shardflow/operators`, `shardflow/models`, `shardflow/sinks`, `shardflow/testing`).
 * Every name is listed: nothing reaches users by accident.
 */
export {
  deviceSpec,
  householdSpec,
  PipelineCatalog,
  Shardflow,
  shippedCatalog,
} from './pipelines/index.js';
export type {
  DocumentSpec,
  PipelineFactory,
  PipelineOptions,
  PipelineSpecs,
  ReadingChainSpec,
  ShardflowConsumerOptions,
  ShardflowOptions,
  ShardflowPipelineOptions,
  ShardflowProducerOptions,
  ShardflowWorkerOptions,
} from './pipelines/index.js';

// configuration, errors, retry, clock
export {
  ConfigError,
  RetriableError,
  RetriesExhaustedError,
  ShardflowError,
  describe,
  isRetriable,
  loadConfig,
  backoffDelay,
  retry,
  realClock,
  VirtualClock,
} from './core/index.js';
export type {
  BackoffOptions,
  Clock,
  Config,
  ConfigFlags,
  Endpoints,
  RetryOptions,
  ShardflowErrorOptions,
} from './core/index.js';

// the contracts: records, positions, lineage, dead letters, readings
export {
  PositionSet,
  PositionSetBuilder,
  deadLetter,
  traced,
  tracedSource,
  parseReading,
  readingKey,
  readingTime,
} from './core/index.js';
export type {
  DeadLetter,
  DeadLetterReason,
  DeviceReading,
  HouseholdReading,
  Position,
  Reading,
  SourceRecord,
  Traced,
} from './core/index.js';

// the AWS edge
export {
  createAwsClients,
  createLogger,
  classifyAwsError,
  isRetriableAwsError,
} from './adapters/index.js';
export type { AwsClientOptions, AwsClients, AwsErrorKind, Logger } from './adapters/index.js';

// producing
export { KinesisProducer, RecordFailedError, RecordRejectedError } from './producers/index.js';
export type {
  KinesisProducerOptions,
  ProducerEvent,
  ProducerStats,
  PutResult,
  UserRecord,
} from './producers/index.js';

// consuming
export { consume, startWorker } from './consumers/index.js';
export type {
  ConsumeOptions,
  Consumer,
  ConsumerEvent,
  ShardBatch,
  Worker,
  WorkerOptions,
} from './consumers/index.js';

// pipelines
export { createResultSinks, startPipelineWorker } from './pipelines/index.js';
export type { PipelineWorker, PipelineWorkerOptions } from './pipelines/index.js';
