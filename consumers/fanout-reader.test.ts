import { getEventListeners } from 'node:events';
import { ResourceInUseException } from '@aws-sdk/client-kinesis';
import { FanOutReader } from './fanout-reader.js';
import { cannedSubscribe, eventMessage, exceptionMessage } from './testing/event-stream.js';

const record = (i: number) => ({
  SequenceNumber: String(100 + i),
  ApproximateArrivalTimestamp: 1764400000 + i,
  Data: Buffer.from(String(i)).toString('base64'),
  PartitionKey: `k${i}`,
});
const records = (from: number, to: number, continuation: string | null) =>
  eventMessage('SubscribeToShardEvent', {
    Records: Array.from({ length: to - from }, (_, k) => record(from + k)),
    ContinuationSequenceNumber: continuation,
    MillisBehindLatest: 0,
  });
const initial = eventMessage('initial-response', {});
const texts = (rs: readonly { Data?: Uint8Array }[]) =>
  rs.map((r) => Buffer.from(r.Data ?? []).toString());

const reader = (streams: Uint8Array[][], options: { renewAfterMs?: number } = {}) => {
  const { client, state } = cannedSubscribe(streams);
  const retries: unknown[] = [];
  const r = new FanOutReader({
    kinesis: client,
    consumerArn: 'arn:aws:kinesis:us-east-1:1:stream/s/consumer/c:1',
    shardId: 'shardId-000000000000',
    start: { type: 'TRIM_HORIZON' },
    random: () => 0, // no back-off wait
    onRetry: (e) => retries.push(e),
    ...options,
  });
  return { r, state, retries };
};

describe('FanOutReader on the lean event-stream reader', () => {
  it('retries a typed exception event and resumes after the last delivered record', async () => {
    const { r, state, retries } = reader([
      [
        initial,
        records(0, 3, '102'),
        exceptionMessage('ResourceInUseException', { message: 'busy' }),
      ],
      [initial, records(3, 5, null)],
    ]);
    const signal = new AbortController().signal;
    const first = await r.read(signal);
    const second = await r.read(signal);
    expect(texts(first.records)).toEqual(['0', '1', '2']);
    expect(texts(second.records)).toEqual(['3', '4']);
    expect(second.shardEnd).toBe(true);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toBeInstanceOf(ResourceInUseException);
    expect(state.calls).toBe(2);
    r.close();
  });

  it('does not retry an exception the reader treats as fatal', async () => {
    const { r, retries } = reader([
      [initial, exceptionMessage('ResourceNotFoundException', { message: 'gone' })],
    ]);
    await expect(r.read(new AbortController().signal)).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect(retries).toHaveLength(0);
  });

  it('leaves no abort listener behind on the caller’s signal across re-subscriptions', async () => {
    const { r, state } = reader([[initial, records(0, 1, '100')]], { renewAfterMs: -1 });
    const controller = new AbortController();
    for (let i = 0; i < 5; i += 1) await r.read(controller.signal);
    expect(state.calls).toBe(5); // a new subscription for every read
    expect(getEventListeners(controller.signal, 'abort').length).toBeLessThanOrEqual(1);
    r.close();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('re-subscribes after an InternalFailureException event and after a truncated message, losing and repeating nothing', async () => {
    const cut = records(9, 10, '109');
    const { r, state, retries } = reader([
      [initial, records(0, 2, '101'), exceptionMessage('InternalFailureException', {})],
      [initial, records(2, 3, '102'), cut.subarray(0, cut.length - 5)],
      [initial, records(3, 4, null)],
    ]);
    const signal = new AbortController().signal;
    const read: string[] = [];
    for (let i = 0; i < 3; i += 1) read.push(...texts((await r.read(signal)).records));
    expect(read).toEqual(['0', '1', '2', '3']);
    expect(retries.map((e) => (e as Error).name)).toEqual(['InternalFailureException', 'Error']);
    expect(state.calls).toBe(3);
  });

  it('makes no call once the caller’s signal is aborted', async () => {
    const { r, state } = reader([[initial, records(0, 1, '100')]]);
    const controller = new AbortController();
    controller.abort();
    await expect(r.read(controller.signal)).rejects.toBeDefined();
    expect(state.calls).toBe(0);
  });
});
