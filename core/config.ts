/**
 * @module core/config
 * The one typed configuration object of shardflow, validated at start-up. It is a pure
 * function of an environment map and command-line flags (flags win), so every entry point
 * and test builds it the same way. Invalid input fails with a {@link ConfigError} naming
 * the field and where its value came from — never a stack trace.
 */
import { z } from 'zod';
import { ConfigError } from './errors.js';

/** AWS region names: `eu-west-1`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-4`, … */
const REGION = /^(?:[a-z]{2})(?:-(?:gov|iso|isob|isof|isoe))?-[a-z]+-\d{1,2}$/;
const RESOURCE = /^[a-zA-Z0-9_.-]+$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const SAGEMAKER_ENDPOINT = /^[a-zA-Z0-9](?:-*[a-zA-Z0-9]){0,62}$/;

const name = (max: number, pattern: RegExp, what: string) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(pattern, `is not a valid ${what} name`);
const url = z
  .string()
  .url('must be a URL such as http://127.0.0.1:4566')
  .refine((u) => /^https?:/.test(u), 'must be an http(s) URL');

/** Endpoint overrides per service; absent means the SDK's regional default (real AWS). */
export const endpointsSchema = z.object({
  kinesis: url.optional(),
  dynamodb: url.optional(),
  s3: url.optional(),
  firehose: url.optional(),
  sagemakerRuntime: url.optional(),
});

/** The validated configuration. */
export const configSchema = z.object({
  region: z
    .string()
    .min(1, 'must not be empty')
    .regex(REGION, 'is not an AWS region name such as eu-west-1'),
  app: name(40, /^[a-z][a-z0-9-]*$/, 'application (lower-case, digits, dashes)'),
  streamName: name(128, RESOURCE, 'Kinesis stream'),
  shardCount: z.coerce.number().int('must be an integer').min(1).max(500),
  leaseTableName: name(255, RESOURCE, 'DynamoDB table'),
  anomaliesTableName: name(255, RESOURCE, 'DynamoDB table'),
  predictionsTableName: name(255, RESOURCE, 'DynamoDB table'),
  /** One-minute readings per key (the dashboard's and query API's time series). */
  readingsTableName: name(255, RESOURCE, 'DynamoDB table'),
  bucketName: name(63, BUCKET, 'S3 bucket'),
  rawDeliveryStream: name(64, RESOURCE, 'Firehose delivery stream'),
  resultsDeliveryStream: name(64, RESOURCE, 'Firehose delivery stream'),
  deadLetterDeliveryStream: name(64, RESOURCE, 'Firehose delivery stream'),
  rcfEndpointName: name(63, SAGEMAKER_ENDPOINT, 'SageMaker endpoint'),
  forecastEndpointName: name(63, SAGEMAKER_ENDPOINT, 'SageMaker endpoint'),
  endpoints: endpointsSchema,
  /** Identity of this worker in the lease table; default host name and process id. */
  workerId: z.string().min(1, 'must not be empty').max(256),
  /** Port of the worker's `/healthz` and `/metrics` HTTP server. */
  httpPort: z.coerce.number().int('must be an integer').min(0).max(65535),
  /** How long a worker may take to drain and release its leases after SIGTERM. */
  drainDeadlineSeconds: z.coerce.number().int('must be an integer').min(1).max(3600),
  /** A lease not renewed for this long may be taken by another worker (KCL `failoverTimeMillis`). */
  failoverTimeMs: z.coerce.number().int('must be an integer').min(1000).max(600_000),
  /** HTTP protocol for Kinesis: emulators need HTTP/1.1; `auto` picks it when an endpoint is overridden. */
  kinesisHttp: z.enum(['auto', 'http1', 'http2']),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
});

/** The validated shardflow configuration. */
export type Config = z.infer<typeof configSchema>;
/** Per-service endpoint overrides. */
export type Endpoints = z.infer<typeof endpointsSchema>;
/** Command-line overrides: any top-level field, as strings or values. */
export type ConfigFlags = Partial<Record<Exclude<keyof Config, 'endpoints'>, string | number>>;

/** Environment variable that feeds each field (for messages and documentation). */
export const ENV_VARS: Readonly<Record<Exclude<keyof Config, 'endpoints'>, string>> = {
  region: 'AWS_REGION',
  app: 'SHARDFLOW_APP',
  streamName: 'SHARDFLOW_STREAM',
  shardCount: 'SHARDFLOW_SHARDS',
  leaseTableName: 'SHARDFLOW_LEASE_TABLE',
  anomaliesTableName: 'SHARDFLOW_ANOMALIES_TABLE',
  predictionsTableName: 'SHARDFLOW_PREDICTIONS_TABLE',
  readingsTableName: 'SHARDFLOW_READINGS_TABLE',
  bucketName: 'SHARDFLOW_BUCKET',
  rawDeliveryStream: 'SHARDFLOW_RAW_DELIVERY_STREAM',
  resultsDeliveryStream: 'SHARDFLOW_RESULTS_DELIVERY_STREAM',
  deadLetterDeliveryStream: 'SHARDFLOW_DEAD_LETTER_DELIVERY_STREAM',
  rcfEndpointName: 'SHARDFLOW_RCF_ENDPOINT',
  forecastEndpointName: 'SHARDFLOW_FORECAST_ENDPOINT',
  workerId: 'SHARDFLOW_WORKER_ID',
  httpPort: 'SHARDFLOW_HTTP_PORT',
  drainDeadlineSeconds: 'SHARDFLOW_DRAIN_DEADLINE_SECONDS',
  failoverTimeMs: 'SHARDFLOW_FAILOVER_MS',
  kinesisHttp: 'SHARDFLOW_KINESIS_HTTP',
  logLevel: 'LOG_LEVEL',
};

/** The SDK's service-specific endpoint variables, as documented for AWS SDKs. */
export const ENDPOINT_ENV_VARS: Readonly<Record<keyof Endpoints, string>> = {
  kinesis: 'AWS_ENDPOINT_URL_KINESIS',
  dynamodb: 'AWS_ENDPOINT_URL_DYNAMODB',
  s3: 'AWS_ENDPOINT_URL_S3',
  firehose: 'AWS_ENDPOINT_URL_FIREHOSE',
  sagemakerRuntime: 'AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME',
};

/** The names of the application's AWS resources. */
export type ResourceNames = Pick<
  Config,
  | 'streamName'
  | 'leaseTableName'
  | 'anomaliesTableName'
  | 'predictionsTableName'
  | 'readingsTableName'
  | 'bucketName'
  | 'rawDeliveryStream'
  | 'resultsDeliveryStream'
  | 'deadLetterDeliveryStream'
  | 'rcfEndpointName'
  | 'forecastEndpointName'
>;

/** Default resource names, all derived from the application name. */
export function defaultNames(app: string): ResourceNames {
  return {
    streamName: `${app}-readings`,
    leaseTableName: `${app}-leases`,
    anomaliesTableName: `${app}-anomalies`,
    predictionsTableName: `${app}-predictions`,
    readingsTableName: `${app}-readings-store`,
    bucketName: `${app}-lake`,
    rawDeliveryStream: `${app}-raw-archive`,
    resultsDeliveryStream: `${app}-results`,
    deadLetterDeliveryStream: `${app}-dead-letters`,
    rcfEndpointName: `${app}-rcf`,
    forecastEndpointName: `${app}-forecast`,
  };
}

type Env = Readonly<Record<string, string | undefined>>;

function endpointsFrom(env: Env): Record<keyof Endpoints, string | undefined> {
  const ignore = (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '').toLowerCase() === 'true';
  const pick = (key: keyof Endpoints) =>
    ignore ? undefined : (env[ENDPOINT_ENV_VARS[key]] ?? env.AWS_ENDPOINT_URL);
  return {
    kinesis: pick('kinesis'),
    dynamodb: pick('dynamodb'),
    s3: pick('s3'),
    firehose: pick('firehose'),
    sagemakerRuntime: pick('sagemakerRuntime'),
  };
}

/**
 * Builds and validates the configuration from an environment map and flags (flags win).
 * Throws {@link ConfigError} naming the first invalid field and its source.
 *
 * @example
 * const config = loadConfig(process.env, { streamName: 'my-stream' });
 */
export function loadConfig(env: Env, flags: ConfigFlags = {}): Config {
  const app = String(flags.app ?? env.SHARDFLOW_APP ?? 'shardflow');
  const defaults = defaultNames(app);
  const raw: Record<string, unknown> = {
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    app,
    shardCount: '4',
    workerId: `${env.HOSTNAME ?? 'worker'}-${env.SHARDFLOW_PID ?? 'local'}`,
    httpPort: '9090',
    drainDeadlineSeconds: '30',
    failoverTimeMs: '10000',
    kinesisHttp: 'auto',
    logLevel: 'info',
    ...defaults,
  };
  for (const [field, variable] of Object.entries(ENV_VARS)) {
    const value = field === 'region' ? undefined : env[variable];
    if (value !== undefined) raw[field] = value;
  }
  for (const [field, value] of Object.entries(flags)) if (value !== undefined) raw[field] = value;
  raw.endpoints = endpointsFrom(env);

  const parsed = configSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.map(String) ?? [];
  const field = path.join('.') || 'config';
  const source = sourceOf(path, flags, env);
  const shown = valueAt(raw, path);
  throw new ConfigError(
    source ? `${field} (from ${source})` : field,
    `${issue?.message ?? 'invalid'}${shown === undefined ? '' : ` (got ${JSON.stringify(shown)})`}`,
  );
}

/** The `shardflow` flags whose spelling is not the field's name in kebab case. */
const CLI_FLAGS: Partial<Record<keyof Config, string>> = {
  streamName: '--stream',
  leaseTableName: '--lease-table',
  failoverTimeMs: '--failover-ms',
};

function sourceOf(path: readonly string[], flags: ConfigFlags, env: Env): string | undefined {
  const [head, sub] = path;
  if (head === 'endpoints' && sub) {
    const specific = ENDPOINT_ENV_VARS[sub as keyof Endpoints];
    return env[specific] !== undefined ? specific : 'AWS_ENDPOINT_URL';
  }
  if (head === undefined) return undefined;
  if (head in flags)
    return (
      CLI_FLAGS[head as keyof typeof CLI_FLAGS] ??
      `--${head.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`
    );
  if (head === 'region') return env.AWS_REGION !== undefined ? 'AWS_REGION' : 'AWS_DEFAULT_REGION';
  return ENV_VARS[head as keyof typeof ENV_VARS];
}

function valueAt(raw: Record<string, unknown>, path: readonly string[]): unknown {
  let node: unknown = raw;
  for (const key of path) node = (node as Record<string, unknown> | undefined)?.[key];
  return node;
}
