import { GetRecordsCommand } from '@aws-sdk/client-kinesis';
import { getRecords } from './get-records.js';
import { cannedClient, jsonResponse } from './testing/canned-client.js';
import { sdkOutputs } from './testing/sdk-outputs.js';

/** A client whose HTTP layer answers every request with `status` and `body` (no network). */
function canned(status: number, body: string, headers: Record<string, string> = {}) {
  let calls = 0;
  const client = cannedClient(() => {
    calls += 1;
    const response = jsonResponse(status, body);
    return { ...response, headers: { ...response.headers, ...headers } };
  });
  return { client, calls: () => calls };
}

const body = JSON.stringify({
  MillisBehindLatest: 1500,
  NextShardIterator: 'AAAA-next',
  Records: [
    {
      SequenceNumber: '49650000000000000000000000000000000000000000000000000001',
      ApproximateArrivalTimestamp: 1764400000.1236,
      Data: Buffer.from('{"kind":"device","v":1}').toString('base64'),
      PartitionKey: 'device-1',
    },
    {
      SequenceNumber: '49650000000000000000000000000000000000000000000000000002',
      ApproximateArrivalTimestamp: 1764400001,
      Data: '',
      PartitionKey: 'ü-2',
      EncryptionType: 'KMS',
    },
  ],
  ChildShards: [
    {
      ShardId: 'shardId-000000000002',
      ParentShards: ['shardId-000000000000'],
      HashKeyRange: {
        StartingHashKey: '0',
        EndingHashKey: '170141183460469231731687303715884105727',
      },
    },
  ],
});

const strip = <T extends { $metadata?: unknown }>(o: T) => {
  const { $metadata: _m, ...rest } = o;
  return rest;
};

describe('getRecords (lean reader of a successful response)', () => {
  it('returns exactly what the SDK deserialises from the same bytes', async () => {
    const { client } = canned(200, body);
    // what the SDK's own deserialiser produced, per call
    const seen = sdkOutputs<{ Records?: unknown }>(client);
    const sdk = strip(await client.send(new GetRecordsCommand({ ShardIterator: 'it' })));
    const lean = await getRecords(client, { ShardIterator: 'it', Limit: 10 });
    expect(lean).toEqual(sdk);
    expect(seen[0]?.Records).toHaveLength(2);
    expect(seen[1]?.Records).toBeUndefined(); // the lean reader, not the SDK, read the records
    expect(lean.Records?.[0]?.ApproximateArrivalTimestamp?.getTime()).toBe(1764400000124);
    expect(Buffer.from(lean.Records?.[0]?.Data ?? []).toString()).toBe('{"kind":"device","v":1}');
    expect(lean.Records?.[0]?.Data).toBeInstanceOf(Uint8Array);
  });

  it('an empty shard and a closed shard read the same way as through the SDK', async () => {
    for (const b of [
      '{"Records":[],"NextShardIterator":"x","MillisBehindLatest":0}',
      '{"Records":[]}',
    ]) {
      const { client } = canned(200, b);
      expect(await getRecords(client, { ShardIterator: 'it' })).toEqual(
        strip(await client.send(new GetRecordsCommand({ ShardIterator: 'it' }))),
      );
    }
  });

  it('leaves error responses to the SDK (typed exception, as without it)', async () => {
    const { client } = canned(
      400,
      JSON.stringify({ __type: 'ExpiredIteratorException', message: 'Iterator expired' }),
    );
    await expect(getRecords(client, { ShardIterator: 'it' })).rejects.toMatchObject({
      name: 'ExpiredIteratorException',
    });
  });

  it('leaves a body that does not say it is JSON to the SDK', async () => {
    const { client } = canned(200, body, { 'content-type': 'application/cbor' });
    const seen = sdkOutputs<{ Records?: unknown }>(client);
    const out = await getRecords(client, { ShardIterator: 'it' });
    expect(seen[0]?.Records).toHaveLength(2); // the SDK, not the lean reader, read the records
    expect(out.Records).toHaveLength(2);
  });

  it('rejects badly padded data as the SDK does', async () => {
    const bad = JSON.stringify({
      Records: [{ SequenceNumber: '1', Data: 'abc', PartitionKey: 'k' }],
    });
    const { client } = canned(200, bad);
    await expect(client.send(new GetRecordsCommand({ ShardIterator: 'it' }))).rejects.toThrow(
      /padding/,
    );
    await expect(getRecords(client, { ShardIterator: 'it' })).rejects.toThrow(/padding/);
  });
});
