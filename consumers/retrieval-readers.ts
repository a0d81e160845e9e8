/**
 * @module consumers/retrieval-readers
 * The shard readers of a {@link Retrieval}: a {@link PollingReader} per shard, or an
 * enhanced fan-out reader whose stream consumer is registered once per worker. The
 * registration (and a shard session's wait for it) retries a throttle or 5xx with
 * core/retry; a failed registration is not kept, so a later shard session tries again.
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { isRetriableAwsError } from '../adapters/index.js';
import { retry } from '../core/index.js';
import type { Retrieval } from './consume-types.js';
import { ensureStreamConsumer, FanOutReader } from './fanout-reader.js';
import { pickDefined } from './pick-defined.js';
import { PollingReader } from './polling-reader.js';
import type { ShardReader, StartingPosition } from './shard-reader.js';

/** Makes the reader of one shard, from a starting position. */
export type MakeReader = (shardId: string, start: StartingPosition) => ShardReader;

/** Options of {@link readerFactory}. */
export interface ReaderFactoryOptions {
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  readonly retrieval: Retrieval;
}

/**
 * The reader factory of one worker (see module doc); a fan-out consumer starts registering
 * when the first reader is made, and its `read()` reports a failed registration.
 * @example `const makeReader = readerFactory({ kinesis, streamName, retrieval: { type: 'polling' } })`
 */
export function readerFactory({
  kinesis,
  streamName,
  retrieval,
}: ReaderFactoryOptions): MakeReader {
  if (retrieval.type === 'polling') {
    return (shardId, start) =>
      new PollingReader({
        kinesis,
        streamName,
        shardId,
        start,
        ...pickDefined(retrieval, ['limit', 'idleTimeMs', 'minCallIntervalMs']),
      });
  }
  const again = { shouldRetry: isRetriableAwsError };
  let consumerArn: Promise<string> | undefined;
  // registered once per worker; a throttle or 5xx is retried, and a failure is not kept
  const arn = (): Promise<string> => {
    if (consumerArn) return consumerArn;
    const name = retrieval.consumerName;
    const registered = retry(() => ensureStreamConsumer(kinesis, streamName, name), again);
    registered.catch(() => (consumerArn = undefined));
    return (consumerArn = registered);
  };
  return (shardId, start) => {
    void arn().catch(() => undefined); // starts registering now; read() reports a failure
    let inner: FanOutReader | undefined;
    return {
      async read(signal) {
        inner ??= new FanOutReader({
          kinesis,
          consumerArn: await arn(),
          shardId,
          start,
        });
        return inner.read(signal);
      },
      close: () => inner?.close(),
    };
  };
}
