/**
 * @module core/resources
 * The single source of truth for the AWS resources shardflow needs: the embedded local
 * cloud, the LocalStack init hook and the CDK app all derive theirs from
 * {@link resourcesFor}, so names and key schemas cannot drift apart.
 */
import type { Config, ResourceNames } from './config.js';

/** A Kinesis data stream. */
export interface StreamResource {
  readonly name: string;
  readonly shardCount: number;
}

/** A DynamoDB table with a string partition key and optional string sort key. */
export interface TableResource {
  readonly name: string;
  /** What the table is for: `leases`, `anomalies`, `predictions` or `readings`. */
  readonly role: 'leases' | 'anomalies' | 'predictions' | 'readings';
  readonly partitionKey: string;
  readonly sortKey?: string;
  /** Attribute holding an epoch-seconds expiry, if items expire. */
  readonly ttlAttribute?: string;
}

/** A Firehose delivery stream with an extended S3 destination. */
export interface DeliveryStreamResource {
  readonly name: string;
  readonly role: 'raw' | 'results' | 'deadLetters';
  /** Object key prefix in the lake bucket; Firehose appends `YYYY/MM/DD/HH/`. */
  readonly prefix: string;
  /** Prefix for records Firehose could not deliver. */
  readonly errorOutputPrefix: string;
  /** When set, Firehose reads this Kinesis stream (the raw archive). */
  readonly sourceStream?: string;
  readonly bufferingSeconds: number;
  readonly bufferingMiB: number;
  readonly gzip: boolean;
}

/** Everything the application needs in one account and region. */
export interface Resources {
  readonly streams: readonly StreamResource[];
  readonly tables: readonly TableResource[];
  readonly buckets: readonly string[];
  readonly deliveryStreams: readonly DeliveryStreamResource[];
}

/** Names of the key attributes of the results tables. */
export const RESULT_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
} as const;

/**
 * The resources for a configuration.
 *
 * @example
 * const { streams, tables } = resourcesFor(loadConfig(process.env));
 */
export function resourcesFor(
  config: Pick<Config, 'shardCount'> &
    Omit<ResourceNames, 'rcfEndpointName' | 'forecastEndpointName'>,
): Resources {
  const results = (
    name: string,
    role: 'anomalies' | 'predictions' | 'readings',
  ): TableResource => ({
    name,
    role,
    ...RESULT_KEYS,
  });
  return {
    streams: [{ name: config.streamName, shardCount: config.shardCount }],
    tables: [
      { name: config.leaseTableName, role: 'leases', partitionKey: 'leaseKey' },
      results(config.anomaliesTableName, 'anomalies'),
      results(config.predictionsTableName, 'predictions'),
      results(config.readingsTableName, 'readings'),
    ],
    buckets: [config.bucketName],
    deliveryStreams: [
      {
        name: config.rawDeliveryStream,
        role: 'raw',
        prefix: 'raw/',
        errorOutputPrefix: 'errors/raw/',
        sourceStream: config.streamName,
        bufferingSeconds: 60,
        bufferingMiB: 5,
        gzip: true,
      },
      {
        name: config.resultsDeliveryStream,
        role: 'results',
        prefix: 'results/',
        errorOutputPrefix: 'errors/results/',
        bufferingSeconds: 60,
        bufferingMiB: 5,
        gzip: true,
      },
      {
        name: config.deadLetterDeliveryStream,
        role: 'deadLetters',
        prefix: 'dead-letters/',
        errorOutputPrefix: 'errors/dead-letters/',
        bufferingSeconds: 60,
        bufferingMiB: 1,
        gzip: false,
      },
    ],
  };
}
