import { testClients, testConfig, uniqueName } from '../../test/helpers.js';
import type { AwsClients } from '../../adapters/index.js';
import { sdkWriter } from '../kinesis-writer.js';
import { KinesisProducer } from '../producer.js';
import { createStream, readAll } from '../testing/stream-reader.js';
import { startHttpIngest, type HttpIngest } from './http-ingest.js';

const KEY = 'test-key-0123456789';
const legacy = {
  devid: 'B84C4503F361D64A',
  ts: '2026-11-23T05:00:00.000Z',
  readings: [45.2, 21.3, 40.1, 0.52, 1013.2, 612, 3],
};
const wire = {
  kind: 'household',
  householdId: 'h-0001',
  ts: '2006-12-16T17:24:00.000Z',
  readings: {
    globalActivePower: 4.216,
    globalReactivePower: 0.418,
    voltage: 234.84,
    globalIntensity: 18.4,
    subMetering1: 0,
    subMetering2: 1,
    subMetering3: 17,
  },
};

describe('HTTP ingest PUT /sensorsdata into kinesis-local', () => {
  let clients: AwsClients;
  let producer: KinesisProducer;
  let ingest: HttpIngest;
  let stream: string;

  beforeAll(async () => {
    clients = testClients(testConfig());
    stream = uniqueName('ingest');
    await createStream(clients.kinesis, stream, 1);
    producer = new KinesisProducer({ writer: sdkWriter(clients.kinesis, stream), lingerMs: 5 });
    ingest = await startHttpIngest({ producer, apiKey: KEY, maxBodyBytes: 4_096 });
  });
  afterAll(async () => {
    await ingest.close();
    await producer.close();
    clients.destroy();
  });

  const put = (
    body: unknown,
    headers: Record<string, string> = { 'x-api-key': KEY },
    path = '/sensorsdata',
  ) =>
    fetch(`${ingest.url}${path}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('accepts the legacy and the wire shapes, normalized, and answers where they landed', async () => {
    const res = await put([legacy, wire]);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { accepted: number; records: { shardId: string }[] };
    expect(body.accepted).toBe(2);
    const back = (await readAll(clients.kinesis, stream)).map((r) => JSON.parse(r.data.toString()));
    expect(back).toContainEqual({
      kind: 'device',
      deviceId: legacy.devid,
      ts: legacy.ts,
      readings: {
        iaq: 45.2,
        temperature: 21.3,
        humidity: 40.1,
        voc: 0.52,
        pressure: 1013.2,
        co2: 612,
      },
    });
    expect(back).toContainEqual(wire);
  });

  it('puts nothing of a request with one invalid reading (400 with the reason)', async () => {
    const before = (await readAll(clients.kinesis, stream)).length;
    const bad = { ...legacy, readings: [1, 2, 3] };
    const res = await put([legacy, bad]);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^reading 1: readings/);
    await producer.flush();
    expect((await readAll(clients.kinesis, stream)).length).toBe(before);
  });

  it.each([
    ['no API key', () => put(legacy, {}), 401],
    ['a wrong API key', () => put(legacy, { 'x-api-key': 'wrong-key-000000000' }), 401],
    ['a body over the size limit', () => put([...Array(60)].map(() => legacy)), 413],
    ['malformed JSON', () => put('{"devid":'), 400],
    ['another path', () => put(legacy, { 'x-api-key': KEY }, '/other'), 404],
  ])('rejects %s', async (_what, send, status) => {
    expect((await send()).status).toBe(status);
  });

  it('answers 405 to other methods', async () => {
    const res = await fetch(`${ingest.url}/sensorsdata`, { headers: { 'x-api-key': KEY } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('PUT');
  });
});
