/**
 * @module adapters/aws-clients
 * The one place where AWS SDK v3 clients are created. Every client honours the endpoint
 * overrides of the configuration (which come from `AWS_ENDPOINT_URL` and
 * `AWS_ENDPOINT_URL_<SERVICE>`), so the same code runs against the embedded local cloud,
 * LocalStack or AWS. Emulator quirks are handled here and nowhere else:
 * Kinesis emulators need HTTP/1.1 and S3 emulators need path-style addressing.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FirehoseClient } from '@aws-sdk/client-firehose';
import { KinesisClient, type KinesisClientConfig } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Config } from '../core/index.js';

const ignore = (): void => undefined;
type SdkLogger = NonNullable<KinesisClientConfig['logger']>;

/**
 * The SDK clients' logger: discards everything, as the SDK's default `NoOpLogger`, but has no
 * `info`. The SDK's logger middleware builds its per-call line (a copy of the input and of the
 * output through the schema's sensitive-data filter: for a lease-table `Scan`, every item)
 * only when `logger.info` exists, so this skips that work on every call. Errors are still
 * thrown to the caller and logged by shardflow, not by the SDK.
 */
export const SDK_QUIET_LOGGER = Object.freeze({
  debug: ignore,
  warn: ignore,
  error: ignore,
}) as unknown as SdkLogger; // no `info` on purpose: the SDK calls it as `logger?.info?.(…)`

/** The SDK clients shardflow uses, created lazily and shared. */
export interface AwsClients {
  readonly kinesis: KinesisClient;
  readonly dynamodb: DynamoDBClient;
  /**
   * DynamoDB with native JavaScript values (marshalling done by the SDK), on its own
   * low-level client (the document client refuses the middleware cache of `dynamodb`).
   */
  readonly documents: DynamoDBDocumentClient;
  readonly s3: S3Client;
  readonly firehose: FirehoseClient;
  readonly sagemakerRuntime: SageMakerRuntimeClient;
  /** Closes every client created so far (sockets, agents). */
  destroy(): void;
}

/** Options of {@link createAwsClients}. */
export interface AwsClientOptions {
  /** SDK attempts per call (the SDK's own retry of throttles and 5xx); default 3. */
  readonly maxAttempts?: number;
  /** Socket connection timeout in ms; default 5,000. */
  readonly connectionTimeoutMs?: number;
  /** Per-request timeout in ms; default 30,000. */
  readonly requestTimeoutMs?: number;
  /** Static credentials (emulators); default the SDK's provider chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** Whether Kinesis should use HTTP/1.1 (emulators) rather than the SDK default. */
export function kinesisUsesHttp1(config: Pick<Config, 'kinesisHttp' | 'endpoints'>): boolean {
  if (config.kinesisHttp === 'http1') return true;
  if (config.kinesisHttp === 'http2') return false;
  return config.endpoints.kinesis !== undefined;
}

/**
 * Creates the SDK clients for a configuration. Clients are built on first use, so a
 * process that only needs Kinesis never opens a DynamoDB socket.
 *
 * @example
 * const aws = createAwsClients(loadConfig(process.env));
 * await aws.kinesis.send(new ListShardsCommand({ StreamName: config.streamName }));
 */
export function createAwsClients(config: Config, options: AwsClientOptions = {}): AwsClients {
  const { maxAttempts = 3, connectionTimeoutMs = 5_000, requestTimeoutMs = 30_000 } = options;
  const base = {
    region: config.region,
    maxAttempts,
    logger: SDK_QUIET_LOGGER,
    ...(options.credentials ? { credentials: { ...options.credentials } } : {}),
  };
  const http1 = () =>
    new NodeHttpHandler({
      connectionTimeout: connectionTimeoutMs,
      requestTimeout: requestTimeoutMs,
    });
  const endpoint = (url: string | undefined) => (url === undefined ? {} : { endpoint: url });
  const made: { destroy(): void }[] = [];
  const lazy = <T extends { destroy(): void }>(make: () => T): (() => T) => {
    let client: T | undefined;
    return () => {
      if (client === undefined) {
        client = make();
        made.push(client);
      }
      return client;
    };
  };

  const kinesis = lazy(
    () =>
      new KinesisClient({
        ...base,
        ...endpoint(config.endpoints.kinesis),
        ...(kinesisUsesHttp1(config) ? { requestHandler: http1() } : {}),
      }),
  );
  const dynamodbWith = (cacheMiddleware: boolean) =>
    new DynamoDBClient({
      ...base,
      ...endpoint(config.endpoints.dynamodb),
      requestHandler: http1(),
      cacheMiddleware,
    });
  // the lease table's calls (renewals, checkpoints, scans) resolve their middleware stack once
  // per command type: ≈ 15 % less CPU per call (bench/sdk-call-floor.ts). Safe here because
  // shardflow adds no per-command middleware to DynamoDB calls; note that middleware added to
  // this client after a command type was first sent does not apply to that type. Not on
  // Kinesis: the lean GetRecords / SubscribeToShard readers add per-command middleware.
  const dynamodb = lazy(() => dynamodbWith(true));
  // the document client refuses a caching client (its commands wrap the low-level ones).
  // Its destroy() is a no-op (it does not own the client it wraps), so the low-level client
  // is destroyed on its own: otherwise its sockets outlive `destroy()`.
  const documents = lazy(() => {
    const low = dynamodbWith(false);
    made.push(low);
    return DynamoDBDocumentClient.from(low, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
  });
  const s3 = lazy(
    () =>
      new S3Client({
        ...base,
        ...endpoint(config.endpoints.s3),
        forcePathStyle: config.endpoints.s3 !== undefined,
        requestHandler: http1(),
      }),
  );
  const firehose = lazy(
    () =>
      new FirehoseClient({
        ...base,
        ...endpoint(config.endpoints.firehose),
        requestHandler: http1(),
      }),
  );
  const sagemakerRuntime = lazy(
    () =>
      new SageMakerRuntimeClient({
        ...base,
        ...endpoint(config.endpoints.sagemakerRuntime),
        requestHandler: http1(),
      }),
  );

  return {
    get kinesis() {
      return kinesis();
    },
    get dynamodb() {
      return dynamodb();
    },
    get documents() {
      return documents();
    },
    get s3() {
      return s3();
    },
    get firehose() {
      return firehose();
    },
    get sagemakerRuntime() {
      return sagemakerRuntime();
    },
    destroy() {
      for (const client of made.splice(0)) client.destroy();
    },
  };
}
