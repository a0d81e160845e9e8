import { RetriableError, RetriesExhaustedError, ShardflowError } from '../core/index.js';
import {
  awsErrorCode,
  classifyAwsError,
  classifyAwsErrorCode,
  isRetriableAwsError,
  toShardflowError,
} from './aws-errors.js';

/** An error shaped like the AWS SDK v3's service exceptions. */
const sdk = (name: string, status?: number, extra: object = {}) =>
  Object.assign(new Error(`${name} happened`), {
    name,
    ...(status === undefined ? {} : { $metadata: { httpStatusCode: status } }),
    ...extra,
  });

describe('the one AWS error classifier', () => {
  it.each([
    ['ProvisionedThroughputExceededException', 400, 'throttle'],
    ['ThrottlingException', 400, 'throttle'],
    ['KMSThrottlingException', 400, 'throttle'],
    ['InternalFailure', 500, 'retriable'],
    ['ServiceUnavailableException', 503, 'retriable'],
    // kinesis-local and AWS answer it while a stream is created or resharded
    ['ResourceInUseException', 400, 'retriable'],
    ['ResourceNotFoundException', 400, 'fatal'],
    ['ValidationException', 400, 'fatal'],
    ['AccessDeniedException', 403, 'fatal'],
  ])('%s (HTTP %i) is %s', (name, status, kind) => {
    expect(classifyAwsError(sdk(name, status))).toBe(kind);
    expect(classifyAwsErrorCode(name)).toBe(kind);
  });

  it('judges unknown names by the SDK flag, then the HTTP status', () => {
    expect(classifyAwsError(sdk('Weird', 400, { $retryable: { throttling: true } }))).toBe(
      'throttle',
    );
    expect(classifyAwsError(sdk('Weird', 400, { $retryable: {} }))).toBe('retriable');
    expect(classifyAwsError(sdk('Weird', 429))).toBe('throttle');
    expect(classifyAwsError(sdk('Weird', 502))).toBe('retriable');
    expect(classifyAwsError(sdk('Weird', 409))).toBe('fatal');
  });

  it('judges a SageMaker ModelError by the model’s own status', () => {
    expect(classifyAwsError(sdk('ModelError', 424, { OriginalStatusCode: 503 }))).toBe('retriable');
    expect(classifyAwsError(sdk('ModelError', 424, { OriginalStatusCode: 429 }))).toBe('throttle');
    expect(classifyAwsError(sdk('ModelError', 424, { OriginalStatusCode: 400 }))).toBe('fatal');
  });

  it('retries network failures that have no status', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(awsErrorCode(reset)).toBe('ECONNRESET');
    expect(isRetriableAwsError(reset)).toBe(true);
    expect(isRetriableAwsError(sdk('TimeoutError'))).toBe(true);
  });

  it('lets the caller choose what an unknown code means', () => {
    expect(classifyAwsErrorCode('SomethingNew')).toBe('fatal');
    expect(classifyAwsErrorCode('SomethingNew', 'retriable')).toBe('retriable');
    expect(classifyAwsError(new Error('bug'))).toBe('fatal');
    expect(classifyAwsError(new Error('bug'), 'retriable')).toBe('retriable');
  });

  it('keeps shardflow errors’ own verdict and unwraps exhausted retries for the code', () => {
    expect(classifyAwsError(new RetriableError('X', 'x'))).toBe('retriable');
    const exhausted = new RetriesExhaustedError(3, sdk('ThrottlingException', 400));
    expect(classifyAwsError(exhausted)).toBe('fatal');
    expect(awsErrorCode(exhausted)).toBe('ThrottlingException');
  });

  it('turns an SDK error into a flagged core error with its status in the message', () => {
    const throttled = toShardflowError(sdk('ThrottlingException', 400));
    expect(throttled).toBeInstanceOf(ShardflowError);
    expect(throttled).toMatchObject({ code: 'ThrottlingException', retriable: true });
    expect(throttled.message).toMatch(/HTTP 400/);
    const invalid = toShardflowError(sdk('ModelError', 424, { OriginalStatusCode: 400 }));
    expect(invalid.retriable).toBe(false);
    const own = new ShardflowError('MINE', 'mine');
    expect(toShardflowError(own)).toBe(own);
  });
});
