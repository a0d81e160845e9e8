import {
  ListShardsCommand,
  PutRecordsCommand,
  ResourceInUseException,
  SubscribeToShardCommand,
  type SubscribeToShardEvent,
  type SubscribeToShardEventStream,
} from '@aws-sdk/client-kinesis';
import {
  createActiveStream,
  testClients,
  testConfig,
  uniqueName,
  waitFor,
} from '../test/helpers.js';
import { ensureStreamConsumer } from './fanout-reader.js';
import { subscribeToShard } from './subscribe-to-shard.js';
import { sdkOutputs } from './testing/sdk-outputs.js';

const config = testConfig();
const aws = testClients(config);
const stream = uniqueName('subscribe');
let shardId = '';
let consumerArn = '';

beforeAll(async () => {
  await createActiveStream(aws.kinesis, stream, 1);
  const shards = await aws.kinesis.send(new ListShardsCommand({ StreamName: stream }));
  shardId = shards.Shards?.[0]?.ShardId as string;
  await aws.kinesis.send(
    new PutRecordsCommand({
      StreamName: stream,
      Records: Array.from({ length: 12 }, (_, i) => ({
        PartitionKey: `k${i}`,
        Data: Buffer.from(JSON.stringify({ i, text: 'ü'.repeat(i) })),
      })),
    }),
  );
  consumerArn = await ensureStreamConsumer(aws.kinesis, stream, 'test-lean-subscribe');
});
afterAll(() => aws.destroy());

/** The first event carrying records of an open subscription. */
async function firstRecords(
  events: AsyncIterable<SubscribeToShardEventStream> | undefined,
): Promise<SubscribeToShardEvent> {
  for await (const e of events ?? []) {
    if (e.SubscribeToShardEvent?.Records?.length) return e.SubscribeToShardEvent;
  }
  throw new Error('the subscription ended without records');
}

describe('subscribeToShard against kinesis-local', () => {
  it('reads the same records as the SDK, and the service’s exception as the SDK’s typed error', async () => {
    const input = {
      ConsumerARN: consumerArn,
      ShardId: shardId,
      StartingPosition: { Type: 'TRIM_HORIZON' as const },
    };
    const sdkAbort = new AbortController();
    const sdkOut = await aws.kinesis.send(new SubscribeToShardCommand(input), {
      abortSignal: sdkAbort.signal,
    });
    const sdk = await firstRecords(sdkOut.EventStream);
    // a second subscription while one is open: the service answers with an exception event
    const busy = await subscribeToShard(aws.kinesis, input).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(ResourceInUseException);
    sdkAbort.abort();

    const outputs = sdkOutputs<{ EventStream?: unknown }>(aws.kinesis, 'testSeeOutput');
    const leanAbort = new AbortController();
    let out: Awaited<ReturnType<typeof subscribeToShard>> | undefined;
    await waitFor(async () => {
      // the service frees the shard's subscription shortly after the SDK's is closed
      out = await subscribeToShard(aws.kinesis, input, leanAbort.signal).catch((e: unknown) => {
        if (e instanceof ResourceInUseException) return undefined;
        throw e;
      });
      return out !== undefined;
    });
    aws.kinesis.middlewareStack.remove('testSeeOutput');
    // the body said it is an event stream: the lean reader, not the SDK's, reads it
    expect(out?.EventStream).not.toBe(outputs.at(-1)?.EventStream);
    const lean = await firstRecords(out?.EventStream);
    leanAbort.abort();
    // aborting releases the lean reader's subscription: the service accepts a new one
    const again = new AbortController();
    await waitFor(async () =>
      subscribeToShard(aws.kinesis, input, again.signal).then(
        () => true,
        (e: unknown) => {
          if (e instanceof ResourceInUseException) return false;
          throw e;
        },
      ),
    );
    again.abort();
    expect(sdk.Records).toHaveLength(12);
    expect(lean.Records).toEqual(sdk.Records);
    expect(lean.ContinuationSequenceNumber).toBe(sdk.ContinuationSequenceNumber);
    expect(typeof lean.MillisBehindLatest).toBe('number');
  });
});
