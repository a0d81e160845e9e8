/**
 * @module cli/commands/preflight
 * Checks a command makes before it starts work that would otherwise fail record by record
 * or retry for ever: the stream exists (and is readable), and Kinesis is reachable at all.
 * Each failure is one `ShardflowError` naming the stream, the region and the endpoint, so
 * `consume --stream typo` and `replay` / `produce` into a missing stream exit at once with
 * one line, and an unreachable endpoint says why (connection refused, host not found).
 * A throttle or 5xx answer is retried (`core/retry`): a busy service is not a missing one.
 */
import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { awsErrorStatus, isRetriableAwsError } from '../../adapters/index.js';
import { ShardflowError, retry, type Config } from '../../core/index.js';
import { errorLine } from '../error-line.js';

/** Resolves when `streamName` exists; throws one clear `ShardflowError` otherwise. */
export async function requireStream(
  kinesis: KinesisClient,
  config: Pick<Config, 'streamName' | 'region' | 'endpoints'>,
  streamName: string = config.streamName,
): Promise<void> {
  const where = config.endpoints.kinesis ? `at ${config.endpoints.kinesis}` : `in ${config.region}`;
  try {
    // a throttle or 5xx is retried (a busy service must not stop a worker from starting);
    // an unreachable endpoint (no HTTP answer) fails at once
    await retry(() => kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName })), {
      shouldRetry: (e) => awsErrorStatus(e) !== undefined && isRetriableAwsError(e),
    });
  } catch (error) {
    const name = (error as { name?: unknown }).name;
    if (name === 'ResourceNotFoundException')
      throw new ShardflowError(
        'STREAM_NOT_FOUND',
        `stream ${streamName} does not exist ${where} (set --stream or SHARDFLOW_STREAM)`,
      );
    throw new ShardflowError(
      'KINESIS_UNREACHABLE',
      `cannot use stream ${streamName} ${where}: ${errorLine(error)}`,
      { cause: error },
    );
  }
}
