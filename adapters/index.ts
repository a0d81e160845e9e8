/**
 * @module adapters
 * Thin I/O adapters shared by producers, consumers and pipelines: the AWS client factory,
 * the one AWS error classifier, the logger, the one KPL aggregated-record codec and the one
 * reader of S3 archives (Firehose key layout, listing, gzip). Logic lives elsewhere; these only talk to the outside world.
 */
export { createAwsClients, kinesisUsesHttp1, SDK_QUIET_LOGGER } from './aws-clients.js';
export type { AwsClients, AwsClientOptions } from './aws-clients.js';
export {
  awsErrorCode,
  awsErrorStatus,
  classifyAwsError,
  classifyAwsErrorCode,
  isRetriableAwsError,
  toShardflowError,
} from './aws-errors.js';
export type { AwsErrorKind } from './aws-errors.js';
export { createLogger, silentLogger } from './logger.js';
export {
  AGGREGATION_OVERHEAD_BYTES,
  DEFAULT_AGGREGATION_MAX_BYTES,
  KPL_MAGIC,
  isKplAggregate,
} from './kpl-format.js';
export type { KplUserRecord } from './kpl-format.js';
export { KplAggregate } from './kpl-encoder.js';
export { decodeKplAggregate, visitKplAggregate } from './kpl-decoder.js';
export type { KplUserRecordVisitor } from './kpl-decoder.js';
export type { Logger } from './logger.js';
export { hourPrefix, keyRange, objectTime, sortByDelivery } from './archive-keys.js';
export type { KeyRange } from './archive-keys.js';
export { listArchive, listObjects, readArchiveObject } from './archive-reader.js';
export type {
  ArchiveListing,
  ArchiveObject,
  ListArchiveOptions,
  ListedObject,
  ListingProgress,
} from './archive-reader.js';
