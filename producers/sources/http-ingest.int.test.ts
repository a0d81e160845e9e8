import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
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

/** What a raw client saw: the answer's bytes and how long the server kept the connection. */
interface RawOutcome {
  readonly text: string;
  readonly closedAfterMs: number;
}

/**
 * Opens a raw connection to `url`, writes `head`, then one byte of `drip` every `everyMs`
 * (a slow client); resolves when the server closes the connection (or after `giveUpMs`).
 */
function rawClient(
  url: string,
  head: string,
  drip = '',
  everyMs = 100,
  giveUpMs = 8_000,
): Promise<RawOutcome> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(Number(port), hostname);
    let text = '';
    let i = 0;
    const timer = setInterval(() => {
      if (i < drip.length && !socket.destroyed) socket.write(drip[i++] as string);
    }, everyMs);
    const giveUp = setTimeout(() => socket.destroy(), giveUpMs);
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ text, closedAfterMs: Date.now() - started });
    });
    socket.write(head);
  });
}

describe('HTTP ingest: bad input and slow clients at the edge', () => {
  const NOW = Date.UTC(2026, 10, 23, 6, 0, 0);
  let clients: AwsClients;
  let producer: KinesisProducer;
  let edge: HttpIngest;
  let stream: string;

  beforeAll(async () => {
    clients = testClients(testConfig());
    stream = uniqueName('ingest-edge');
    await createStream(clients.kinesis, stream, 1);
    producer = new KinesisProducer({ writer: sdkWriter(clients.kinesis, stream), lingerMs: 5 });
    edge = await startHttpIngest({
      producer,
      apiKey: KEY,
      now: () => NOW,
      maxFutureSkewMs: 60_000,
      headersTimeoutMs: 500,
      requestTimeoutMs: 1_000,
      keepAliveTimeoutMs: 300,
    });
  });
  afterAll(async () => {
    await edge.close();
    await producer.close();
    clients.destroy();
  });

  const send = (body: string | Uint8Array, headers: Record<string, string>) =>
    fetch(`${edge.url}/sensorsdata`, {
      method: 'PUT',
      headers: { 'x-api-key': KEY, ...headers },
      body,
    });
  const json = { 'content-type': 'application/json' };
  const errorOf = async (res: Response) => ((await res.json()) as { error: string }).error;

  it('answers 400 to a reading dated beyond the clock skew, and puts nothing of its request', async () => {
    const at = (ms: number) => ({ ...legacy, ts: new Date(NOW + ms).toISOString() });
    expect((await send(JSON.stringify(at(59_000)), json)).status).toBe(200);
    const ahead = await send(JSON.stringify([at(0), at(61_000)]), json);
    expect(ahead.status).toBe(400);
    expect(await errorOf(ahead)).toMatch(
      /^reading 1: ts: event time 2026-11-23T06:01:01.000Z is 61000 ms ahead of the ingest clock/,
    );
    const year9999 = await send(JSON.stringify({ ...wire, ts: '9999-12-31T23:59:59Z' }), json);
    expect(year9999.status).toBe(400);
    await producer.flush();
    expect(await readAll(clients.kinesis, stream)).toHaveLength(1);
  });

  it.each([
    [
      'no content type',
      new TextEncoder().encode(JSON.stringify(legacy)),
      {},
      /content-type must be application\/json \(got none\)/,
    ],
    [
      'text/plain',
      JSON.stringify(legacy),
      { 'content-type': 'text/plain' },
      /content-type must be application\/json/,
    ],
    [
      'a charset other than UTF-8',
      JSON.stringify(legacy),
      { 'content-type': 'application/json; charset=latin1' },
      /charset must be utf-8/,
    ],
    [
      'a gzip body',
      gzipSync(JSON.stringify(legacy)),
      { ...json, 'content-encoding': 'gzip' },
      /content-encoding "gzip" is not decoded/,
    ],
    [
      'a br body',
      JSON.stringify(legacy),
      { ...json, 'content-encoding': 'br' },
      /content-encoding "br" is not decoded/,
    ],
  ])('answers 415 to %s', async (_what, body, headers, reason) => {
    const res = await send(body, headers);
    expect(res.status).toBe(415);
    expect(res.headers.get('accept-encoding')).toBe('identity');
    expect(await errorOf(res)).toMatch(reason);
  });

  it.each([
    [
      'temperature 1e300',
      { ...legacy, readings: [45.2, 1e300, 40.1, 0.52, 1013.2, 612, 3] },
      /^readings: temperature=1e\+300 outside \[-40, 85\]$/,
    ],
    [
      'voltage -1e300',
      { ...wire, readings: { ...wire.readings, voltage: -1e300 } },
      /^readings: voltage=-1e\+300 outside \[180, 270\]$/,
    ],
    [
      'a control character in the id',
      { ...legacy, devid: 'B84C\u0007' },
      /^devid: expected 1–128 characters/,
    ],
    [
      'a bidi override in the id',
      { ...wire, householdId: 'h-\u202E1000' },
      /^householdId: expected 1–128 characters/,
    ],
  ])('answers 400 to %s (the schema and PLAUSIBLE_RANGES)', async (_what, body, reason) => {
    const res = await send(JSON.stringify(body), json);
    expect(res.status).toBe(400);
    expect(await errorOf(res)).toMatch(reason);
  });

  it('cuts off a client that sends its headers or its body at a trickle (408, connection closed)', async () => {
    const [headers, body] = await Promise.all([
      rawClient(edge.url, 'PUT /sensorsdata HTTP/1.1\r\n', 'host: x\r\nx-api-key: slow\r\n'),
      rawClient(
        edge.url,
        `PUT /sensorsdata HTTP/1.1\r\nhost: x\r\nx-api-key: ${KEY}\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n`,
        JSON.stringify(legacy),
      ),
    ]);
    // headers time out after 0.5 s, a request after 1 s (Node checks them every 0.25 s)
    expect(headers.text).toMatch(/^HTTP\/1.1 408/);
    expect(headers.closedAfterMs).toBeLessThan(2_000);
    expect(body.text).toMatch(/^HTTP\/1.1 408/);
    expect(body.closedAfterMs).toBeLessThan(2_500);
  });

  it('closes an idle keep-alive connection after keepAliveTimeoutMs', async () => {
    const idle = await rawClient(edge.url, 'GET /other HTTP/1.1\r\nhost: x\r\n\r\n');
    expect(idle.text).toMatch(/^HTTP\/1.1 404/);
    // Node closes it 1 s after keepAliveTimeout: ~1.3 s here; its default would hold it 6 s
    expect(idle.closedAfterMs).toBeLessThan(3_000);
  });

  it('refuses connections beyond maxConnections at once', async () => {
    const capped = await startHttpIngest({ producer, apiKey: KEY, maxConnections: 2 });
    try {
      const holders = [0, 1].map(() =>
        rawClient(capped.url, 'PUT /sensorsdata HTTP/1.1\r\n', '', 100, 1_500),
      );
      await new Promise((r) => setTimeout(r, 200));
      const third = await rawClient(capped.url, 'GET /sensorsdata HTTP/1.1\r\nhost: x\r\n\r\n');
      expect(third.text).not.toMatch(/^HTTP\/1.1 405/); // never served
      expect(third.closedAfterMs).toBeLessThan(500);
      await Promise.all(holders);
    } finally {
      await capped.close();
    }
  });
});
