import { ConfigError } from './errors.js';
import { loadConfig } from './config.js';

const fail = (env: Record<string, string>, flags = {}): ConfigError => {
  try {
    loadConfig(env, flags);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig', () => {
  it('derives every resource name from the application name', () => {
    const config = loadConfig({ AWS_REGION: 'eu-west-1', SHARDFLOW_APP: 'acme' });
    expect(config).toMatchObject({
      region: 'eu-west-1',
      streamName: 'acme-readings',
      leaseTableName: 'acme-leases',
      bucketName: 'acme-lake',
      rawDeliveryStream: 'acme-raw-archive',
      shardCount: 4,
    });
    expect(config.endpoints).toEqual({});
  });

  it('lets flags win over the environment, which wins over defaults', () => {
    const config = loadConfig(
      { AWS_REGION: 'eu-west-1', SHARDFLOW_STREAM: 'from-env', SHARDFLOW_SHARDS: '2' },
      { streamName: 'from-flag' },
    );
    expect(config.streamName).toBe('from-flag');
    expect(config.shardCount).toBe(2);
  });

  it('uses the service-specific endpoint variable before AWS_ENDPOINT_URL', () => {
    const config = loadConfig({
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      AWS_ENDPOINT_URL_KINESIS: 'http://127.0.0.1:4568',
    });
    expect(config.endpoints.kinesis).toBe('http://127.0.0.1:4568');
    expect(config.endpoints.dynamodb).toBe('http://127.0.0.1:4566');
    expect(config.endpoints.sagemakerRuntime).toBe('http://127.0.0.1:4566');
  });

  it('ignores endpoint variables when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true', () => {
    const config = loadConfig({
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true',
    });
    expect(config.endpoints).toEqual({});
  });

  it('falls back to AWS_DEFAULT_REGION', () => {
    expect(loadConfig({ AWS_DEFAULT_REGION: 'ap-southeast-2' }).region).toBe('ap-southeast-2');
  });

  it.each([
    [
      { AWS_REGION: 'moon-base' },
      {},
      /^invalid configuration: region \(from AWS_REGION\): is not an AWS region/,
    ],
    [
      { SHARDFLOW_STREAM: '' },
      {},
      /^invalid configuration: streamName \(from SHARDFLOW_STREAM\): must not be empty/,
    ],
    [
      {},
      { streamName: 'bad name!' },
      // named by the flag the CLI has (one spelling: --stream)
      /^invalid configuration: streamName \(from --stream\): is not a valid Kinesis stream name/,
    ],
    [
      { SHARDFLOW_SHARDS: 'two' },
      {},
      /^invalid configuration: shardCount \(from SHARDFLOW_SHARDS\)/,
    ],
    [
      { AWS_ENDPOINT_URL_S3: 'not a url' },
      {},
      /^invalid configuration: endpoints\.s3 \(from AWS_ENDPOINT_URL_S3\): must be a URL/,
    ],
    [
      { SHARDFLOW_BUCKET: 'Upper_Case' },
      {},
      /bucketName \(from SHARDFLOW_BUCKET\): is not a valid S3 bucket name/,
    ],
  ])('rejects %j %j with a one-line message naming the field', (env, flags, message) => {
    const error = fail(env as Record<string, string>, flags);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
    expect(error.retriable).toBe(false);
  });
});
