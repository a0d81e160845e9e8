/**
 * @module pipelines/runtime/result-sinks
 * Creates the four sinks of a pipeline from the AWS clients and the configuration's resource
 * names: score lines → results Firehose, anomaly and prediction rows → their DynamoDB tables
 * (keys already computed by the chain, deterministic, so replays overwrite), dead letters →
 * the dead-letter Firehose. The only I/O wiring of `pipelines/runtime/`.
 */
import type { AwsClients } from '../../adapters/index.js';
import type { Config } from '../../core/index.js';
import {
  createDeadLetterSink,
  type PositionResolver,
  createDynamoDbSink,
  createFirehoseSink,
  createReadingsSink,
  type SinkEvent,
} from '../../sinks/index.js';
import type { ResultRow } from './result-item.js';
import type { ResultSinks } from './write-results.js';

/** Options of {@link createResultSinks}. */
export interface ResultSinksOptions {
  readonly aws: Pick<AwsClients, 'documents' | 'firehose'>;
  readonly config: Pick<
    Config,
    | 'anomaliesTableName'
    | 'predictionsTableName'
    | 'readingsTableName'
    | 'resultsDeliveryStream'
    | 'deadLetterDeliveryStream'
  >;
  /** Written on each dead-letter line. */
  readonly pipeline?: string;
  /** Names dead letters' source records by Kinesis position (`Consumer.positionOf`). */
  readonly resolvePosition?: PositionResolver;
  /** Row lifetime; default 30 days. */
  readonly ttlSeconds?: number;
  readonly onEvent?: (event: SinkEvent) => void;
}

/**
 * The sinks of a pipeline.
 * @example `const sinks = createResultSinks({ aws: createAwsClients(config), config })`
 */
export function createResultSinks(options: ResultSinksOptions): ResultSinks {
  const { aws, config, pipeline, resolvePosition, ttlSeconds = 30 * 86_400, onEvent } = options;
  const events = onEvent ? { onEvent } : {};
  const table = (tableName: string, name: string) =>
    createDynamoDbSink<ResultRow>({
      client: aws.documents,
      tableName,
      name,
      key: (row) => row.key,
      attributes: (row) => row.attributes,
      ttl: { seconds: ttlSeconds },
      ...events,
    });
  return {
    scores: createFirehoseSink<Readonly<Record<string, unknown>>>({
      client: aws.firehose,
      deliveryStreamName: config.resultsDeliveryStream,
      ...events,
    }),
    anomalies: table(config.anomaliesTableName, 'anomalies'),
    predictions: table(config.predictionsTableName, 'predictions'),
    readings: createReadingsSink({
      client: aws.documents,
      tableName: config.readingsTableName,
      ttlSeconds,
      ...events,
    }),
    deadLetters: createDeadLetterSink({
      client: aws.firehose,
      deliveryStreamName: config.deadLetterDeliveryStream,
      ...(pipeline ? { pipeline } : {}),
      ...(resolvePosition ? { resolvePosition } : {}),
      ...events,
    }),
  };
}
