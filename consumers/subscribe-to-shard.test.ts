import { SubscribeToShardCommand, type SubscribeToShardEventStream } from '@aws-sdk/client-kinesis';
import { subscribeToShard } from './subscribe-to-shard.js';
import {
  cannedSubscribe,
  eventMessage as event,
  exceptionMessage as exception,
  frame,
} from './testing/event-stream.js';
import { sdkOutputs } from './testing/sdk-outputs.js';

const record = (i: number, extra: object = {}) => ({
  SequenceNumber: `4965000000000000000000000000000000000000000000000000000${i}`,
  ApproximateArrivalTimestamp: 1764400000.1236 + i,
  Data: Buffer.from(`{"kind":"device","v":${i}}`).toString('base64'),
  PartitionKey: `device-${i}`,
  ...extra,
});

const events = [
  event('initial-response', {}),
  event('SubscribeToShardEvent', {
    Records: [record(1), record(2, { EncryptionType: 'KMS', PartitionKey: 'ü-2', Data: '' })],
    ContinuationSequenceNumber: '49650000000000000000000000000000000000000000000000000002',
    MillisBehindLatest: 1500,
  }),
  event('SubscribeToShardEvent', {
    Records: [],
    ContinuationSequenceNumber: 'c3',
    MillisBehindLatest: 0,
  }),
  event('SomeFutureEvent', { x: 1 }),
  event('SubscribeToShardEvent', {
    Records: [record(3)],
    ContinuationSequenceNumber: null,
    MillisBehindLatest: 0,
    ChildShards: [
      {
        ShardId: 'shardId-000000000002',
        ParentShards: ['shardId-000000000000'],
        HashKeyRange: { StartingHashKey: '0', EndingHashKey: '1701411834604692317316873037158' },
      },
    ],
  }),
];

const canned = (messages: Uint8Array[], chunk = 0) => cannedSubscribe([messages], chunk);

const input = {
  ConsumerARN: 'arn:aws:kinesis:us-east-1:1:stream/s/consumer/c:1',
  ShardId: 'shardId-000000000000',
  StartingPosition: { Type: 'TRIM_HORIZON' as const },
};

/** Everything an event stream gives: its events, then the error it ends with (if any). */
async function drain(stream: AsyncIterable<SubscribeToShardEventStream> | undefined) {
  const seen: SubscribeToShardEventStream[] = [];
  try {
    for await (const e of stream ?? []) seen.push(e);
    return { seen, error: undefined };
  } catch (error) {
    return { seen, error: error as Error };
  }
}

const sdk = async (messages: Uint8Array[], chunk = 0) =>
  drain(
    (await canned(messages, chunk).client.send(new SubscribeToShardCommand(input))).EventStream,
  );
const lean = async (messages: Uint8Array[], chunk = 0) =>
  drain((await subscribeToShard(canned(messages, chunk).client, input)).EventStream);

/** What a caller can observe of an error: class, name, message, fault and own fields. */
const described = (e: Error | undefined) =>
  e && { ctor: e.constructor, name: e.name, message: e.message, fields: { ...e } };

const EXCEPTIONS = [
  'ResourceNotFoundException',
  'ResourceInUseException',
  'KMSDisabledException',
  'KMSInvalidStateException',
  'KMSAccessDeniedException',
  'KMSNotFoundException',
  'KMSOptInRequired',
  'KMSThrottlingException',
  'InternalFailureException',
];

describe('subscribeToShard (lean reader of the event stream)', () => {
  it('yields exactly the events the SDK deserialises from the same bytes, however chunked', async () => {
    const expected = await sdk(events);
    expect(expected.seen).toHaveLength(3);
    expect(expected.error).toBeUndefined();
    for (const chunk of [0, 1, 7, 100]) expect(await lean(events, chunk)).toEqual(expected);
    const first = (await lean(events)).seen[0]?.SubscribeToShardEvent;
    expect(first?.Records?.[0]?.Data).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(first?.Records?.[0]?.Data ?? []).toString()).toBe('{"kind":"device","v":1}');
    expect(first?.Records?.[0]?.ApproximateArrivalTimestamp?.getTime()).toBe(1764400001124);
  });

  it('the lean reader, not the SDK, reads the events', async () => {
    const { client } = canned(events);
    const outputs = sdkOutputs<{ EventStream?: AsyncIterable<SubscribeToShardEventStream> }>(
      client,
    );
    const out = await subscribeToShard(client, input);
    expect((await drain(outputs[0]?.EventStream)).seen).toHaveLength(0);
    expect((await drain(out.EventStream)).seen).toHaveLength(3);
  });

  it.each(EXCEPTIONS)('an exception after events throws the SDK’s typed %s', async (name) => {
    for (const body of [{ message: 'shard is busy' }, {}, '', { Message: 'capital' }]) {
      const messages = [...events.slice(0, 2), exception(name, body), events[2] as Uint8Array];
      const expected = await sdk(messages);
      const actual = await lean(messages, 13);
      expect(expected.error?.name).toBe(name);
      expect(actual.seen).toEqual(expected.seen);
      expect(described(actual.error)).toEqual(described(expected.error));
    }
  });

  it('an exception as the first message rejects the call with the SDK’s own error', async () => {
    const messages = [exception('ResourceInUseException', { message: 'in use' })];
    const a = await canned(messages)
      .client.send(new SubscribeToShardCommand(input))
      .catch((e: Error) => e);
    const { client, state } = canned(messages);
    const b = await subscribeToShard(client, input).catch((e: Error) => e);
    expect(described(b as Error)).toEqual(described(a as Error));
    expect((b as Error).name).toBe('ResourceInUseException');
    expect(state.returned).toBe(1); // the rest of the body was released
  });

  it('unknown exceptions and error messages become errors named by their code, as with the SDK', async () => {
    const error = frame(
      { ':message-type': 'error', ':error-code': 'InternalFailure', ':error-message': 'boom' },
      '',
    );
    for (const bad of [exception('SomethingNew', 'text body'), error]) {
      const messages = [...events.slice(0, 2), bad];
      const expected = await sdk(messages);
      expect(expected.error).toBeDefined();
      expect(described((await lean(messages)).error)).toEqual(described(expected.error));
    }
  });

  it('a corrupt or truncated message fails as in the SDK', async () => {
    const corrupt = Uint8Array.from(events[2] as Uint8Array);
    const at = corrupt.length - 10;
    corrupt[at] = (corrupt[at] ?? 0) ^ 0xff;
    const truncated = (events[2] as Uint8Array).subarray(0, 30);
    for (const bad of [corrupt, truncated]) {
      const messages = [...events.slice(0, 2), bad];
      const expected = await sdk(messages);
      const actual = await lean(messages, 5);
      expect(expected.error?.message).toMatch(/checksum|Truncated/);
      expect(actual.seen).toEqual(expected.seen);
      expect(actual.error?.message).toBe(expected.error?.message);
    }
  });

  it('ending the iteration early releases the body', async () => {
    const { client, state } = canned(events);
    const out = await subscribeToShard(client, input);
    for await (const e of out.EventStream ?? []) {
      expect(e.SubscribeToShardEvent).toBeDefined();
      break;
    }
    expect(state.returned).toBe(1);
  });
});
