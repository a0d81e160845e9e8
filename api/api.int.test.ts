/**
 * The query API against the shared local cloud (dynalite, s3rver): tables seeded through the
 * real sinks, the server started in process, requests over HTTP. Covers the envelope of every
 * route, pagination (tokens bound to their query), auth, 400s naming the parameter, 404s, the
 * ingest behind `PUT /sensorsdata`, the live event stream, and — for every response — that
 * it matches the schema the served `/openapi.json` gives for it (zod `fromJSONSchema`).
 */
import { z } from 'zod';
import { PositionSet, resourcesFor, traced } from '../core/index.js';
import { bootstrapResources } from '../localstack/index.js';
import { startHttpIngest, type HttpIngest } from '../producers/index.js';
import {
  anomalyEventRow,
  createDynamoDbSink,
  createReadingsSink,
  predictionKey,
  readingRowKey,
} from '../sinks/index.js';
import { testClients, testConfig } from '../test/helpers.js';
import { startApiServer, type ApiServer } from './index.js';

const KEY = 'test-api-key-0123456789';
const T0 = Date.UTC(2026, 10, 23, 5, 0);
const MIN = 60_000;
const s = (ms: number) => String(ms / 1000);
const config = testConfig();
const aws = testClients(config);
let api: ApiServer;
let ingest: HttpIngest;
const put: string[] = [];

type Doc = {
  paths: Record<
    string,
    Record<
      string,
      { responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> }
    >
  >;
  components: { schemas: Record<string, unknown> };
};
let doc: Doc;
const exercised = new Set<string>();

/** Calls the API and checks the answer against the served OpenAPI document. */
async function call(path: string, init: RequestInit & { key?: string | null } = {}) {
  const { key = KEY, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (key !== null) headers.set('x-api-key', key);
  const res = await fetch(`${api.url}${path}`, { ...rest, headers });
  const body = (await res.json()) as Record<string, unknown>;
  const route = new URL(path, api.url).pathname;
  const method = (rest.method ?? 'get').toLowerCase();
  const response = doc.paths[route]?.[method]?.responses[String(res.status)];
  expect({ route, method, status: res.status, documented: response !== undefined }).toEqual({
    route,
    method,
    status: res.status,
    documented: true,
  });
  const ref = response?.content?.['application/json']?.schema.$ref ?? '';
  const schema = doc.components.schemas[ref.replace('#/components/schemas/', '')];
  const check = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]).safeParse(body);
  expect(check.error?.issues ?? []).toEqual([]);
  if (res.status === 200 && 'Records' in body) {
    const { Records, Metadata } = body as {
      Records: unknown[][];
      Metadata: { ColumnName: string[] };
    };
    for (const row of Records) expect(row).toHaveLength(Metadata.ColumnName.length);
  }
  exercised.add(`${method} ${route} ${res.status}`);
  return {
    status: res.status,
    body: body as never as Envelope & { message?: string; field?: string },
  };
}
interface Envelope {
  Records: (string | number | null)[][];
  Metadata: {
    SourceName: string;
    SourceFormat: string;
    ColumnName: string[];
    ColumnType: string[];
  };
  ExecutionInfo: { LastQueryId: string; NextTokenConsumed: boolean; NextToken: string | null };
}

beforeAll(async () => {
  const { tables } = resourcesFor(config);
  await bootstrapResources(aws, {
    streams: [],
    tables,
    buckets: [config.bucketName],
    deliveryStreams: [],
  });
  const readings = createReadingsSink({
    client: aws.documents,
    tableName: config.readingsTableName,
  });
  const rows = [];
  for (let m = 0; m < 5; m++) {
    rows.push(
      traced(
        {
          key: readingRowKey({ key: 'dev-a', windowStart: T0 + m * MIN }),
          attributes: {
            kind: 'device',
            values: {
              iaq: 50 + m,
              temperature: 21,
              humidity: 40,
              voc: 0.5,
              pressure: 1013,
              co2: 600 + m,
            },
          },
        },
        PositionSet.single('s', m),
      ),
    );
  }
  rows.push(
    traced(
      {
        key: readingRowKey({ key: 'h-0001', windowStart: T0 }),
        attributes: { kind: 'household', values: { globalActivePower: 1.5, voltage: 236 } },
      },
      PositionSet.single('s', 9),
    ),
  );
  expect((await readings.write(rows)).failures).toEqual([]);
  const table = <T>(tableName: string, key: (v: T) => Record<string, string>) =>
    createDynamoDbSink<T>({
      client: aws.documents,
      tableName,
      key,
      attributes: (v) => v as Record<string, unknown>,
    });
  const predictions = table<{
    deviceId: string;
    ts: number;
    measure: string;
    minutesAhead: number;
    value: number;
    origin: string;
    model: string;
    weight?: number;
  }>(config.predictionsTableName, predictionKey);
  const p = [5, 10, 15].map((h) =>
    traced(
      {
        deviceId: 'dev-a',
        ts: T0 + (4 + h) * MIN,
        measure: 'iaq',
        minutesAhead: h,
        value: 60 + h,
        origin: new Date(T0 + 4 * MIN).toISOString(),
        model: h === 5 ? 'last-value' : 'boosted-trees',
        // the 15-minute row as written before the weight was recorded
        ...(h === 15 ? {} : { weight: h === 5 ? 0.6 : 0.72 }),
      },
      PositionSet.empty,
    ),
  );
  expect((await predictions.write(p)).failures).toEqual([]);
  // an anomaly event row as the pipelines write it (sinks/anomaly-rows)
  const anomalies = createDynamoDbSink<ReturnType<typeof anomalyEventRow>>({
    client: aws.documents,
    tableName: config.anomaliesTableName,
    key: (r) => r.key,
    attributes: (r) => r.attributes,
  });
  const explanation = {
    iaq: { DIRECTION: 'HIGH', STRENGTH: '0.9', ATTRIBUTION_SCORE: '0.4' },
    'co2@t-1': { DIRECTION: 'LOW', STRENGTH: '0.1', ATTRIBUTION_SCORE: '0.3' },
    co2: { DIRECTION: 'HIGH', STRENGTH: '0.95', ATTRIBUTION_SCORE: '1.7' },
  } as const;
  const event = {
    start: T0 + 3 * MIN,
    end: T0 + 5 * MIN,
    peakAt: T0 + 4 * MIN,
    peakGrade: 0.8,
    peakScore: 2.1,
    peakThreshold: 1.2,
    windows: 2,
    kind: 'spike',
    explanation,
    open: false,
  };
  const a = [traced(anomalyEventRow('devices', 'dev-a', event), PositionSet.empty)];
  expect((await anomalies.write(a)).failures).toEqual([]);
  ingest = await startHttpIngest({
    apiKey: KEY,
    producer: {
      put: (r) => (
        put.push(String(r.partitionKey)),
        Promise.resolve({
          shardId: 'shardId-000000000000',
          sequenceNumber: String(put.length),
          attempts: 1,
        })
      ),
    },
  });
  api = await startApiServer({
    config,
    aws,
    apiKey: KEY,
    ingestUrl: ingest.url,
    healthIntervalMs: 200,
  });
  doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as Doc;
});
afterAll(async () => {
  await api?.close();
  await ingest?.close();
  aws.destroy();
});

const range = `from=${s(T0)}&to=${s(T0 + 60 * MIN)}`;

describe('the envelope', () => {
  it('GET /sensorsdata: one row per minute, a float column per measure', async () => {
    const { status, body } = await call(`/sensorsdata?${range}&device=dev-a`);
    expect(status).toBe(200);
    expect(body.Metadata).toMatchObject({
      SourceName: config.readingsTableName,
      SourceType: 'dynamodb',
      SourceFormat: 'Timeserie',
    });
    expect(body.Metadata.ColumnName).toEqual([
      'time',
      'iaq',
      'temperature',
      'humidity',
      'voc',
      'pressure',
      'co2',
    ]);
    expect(body.Metadata.ColumnType).toEqual([
      'timestamp',
      'float',
      'float',
      'float',
      'float',
      'float',
      'float',
    ]);
    expect(body.Records[0]).toEqual([new Date(T0).toISOString(), 50, 21, 40, 0.5, 1013, 600]);
    expect(body.Records).toHaveLength(5);
    expect(body.ExecutionInfo).toMatchObject({ NextTokenConsumed: false, NextToken: null });
    const one = await call(`/sensorsdata?${range}&device=dev-a&measure=co2`);
    expect(one.body.Metadata.ColumnName).toEqual(['time', 'co2']);
    expect(one.body.Records.map((r) => r[1])).toEqual([600, 601, 602, 603, 604]);
    const household = await call(`/sensorsdata?${range}&device=h-0001&measure=globalActivePower`);
    expect(household.body.Records).toEqual([[new Date(T0).toISOString(), 1.5]]);
  });

  it('GET /sensorsdata/sensors and /households: the registry, with each key’s latest window', async () => {
    const devices = await call('/sensorsdata/sensors');
    expect(devices.body.Metadata).toMatchObject({
      SourceFormat: 'Tabular',
      ColumnName: ['device', 'lastSeen'],
      ColumnType: ['str', 'timestamp'],
    });
    expect(devices.body.Records).toEqual([['dev-a', new Date(T0 + 4 * MIN).toISOString()]]);
    const households = await call('/households');
    expect(households.body.Records).toEqual([['h-0001', new Date(T0).toISOString()]]);
  });

  it('GET /predictions: forecasts by target time, filtered by measure~horizon', async () => {
    const all = await call(`/predictions?${range}&device=dev-a`);
    expect(all.body.Metadata.ColumnName).toEqual([
      'time',
      'measure',
      'value',
      'origin',
      'model',
      'weight',
    ]);
    expect(all.body.Records.map((r) => [r[1], r[2], r[4], r[5]])).toEqual([
      ['iaq~5', 65, 'last-value', 0.6],
      ['iaq~10', 70, 'boosted-trees', 0.72],
      ['iaq~15', 75, 'boosted-trees', null],
    ]);
    const ten = await call(`/predictions?${range}&device=dev-a&measure=iaq~10`);
    expect(ten.body.Records).toEqual([
      [
        new Date(T0 + 14 * MIN).toISOString(),
        'iaq~10',
        70,
        new Date(T0 + 4 * MIN).toISOString(),
        'boosted-trees',
        0.72,
      ],
    ]);
  });

  it('GET /anomalies: grade, score and the strongest measure of the explanation, with or without device', async () => {
    for (const q of [range, `${range}&device=dev-a`]) {
      const { body } = await call(`/anomalies?${q}`);
      expect(body.Records).toHaveLength(1);
      const row = Object.fromEntries(
        body.Metadata.ColumnName.map((c, i) => [c, body.Records[0]?.[i]]),
      );
      expect(row).toMatchObject({
        time: new Date(T0 + 3 * MIN).toISOString(),
        device: 'dev-a',
        grade: 0.8,
        score: 2.1,
        strongestMeasure: 'co2',
        direction: 'HIGH',
        end: new Date(T0 + 5 * MIN).toISOString(),
        peakAt: new Date(T0 + 4 * MIN).toISOString(),
        kind: 'spike',
      });
      expect(JSON.parse(String(row.explanation))).toEqual([
        { measure: 'co2', direction: 'HIGH', attribution: 2 },
        { measure: 'iaq', direction: 'HIGH', attribution: 0.4 },
      ]);
    }
    const none = await call(`/anomalies?from=${s(T0 + 10 * MIN)}&to=${s(T0 + 20 * MIN)}`);
    expect(none.body.Records).toEqual([]);
  });
});

describe('pagination', () => {
  it('pages with NextToken until it is null; a token only continues its own query', async () => {
    const seen: unknown[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const { body } = await call(
        `/sensorsdata?${range}&device=dev-a&measure=iaq&limit=2${token ? `&NextToken=${token}` : ''}`,
      );
      expect(body.ExecutionInfo.NextTokenConsumed).toBe(token !== null);
      expect(body.Records.length).toBeLessThanOrEqual(2);
      seen.push(...body.Records.map((r) => r[1]));
      token = body.ExecutionInfo.NextToken;
      pages += 1;
    } while (token && pages < 10);
    expect(seen).toEqual([50, 51, 52, 53, 54]);
    expect(pages).toBeGreaterThanOrEqual(3);
    const first = await call(`/sensorsdata?${range}&device=dev-a&limit=2`);
    const other = await call(
      `/sensorsdata?${range}&device=dev-a&measure=co2&limit=2&NextToken=${first.body.ExecutionInfo.NextToken}`,
    );
    expect(other).toMatchObject({ status: 400, body: { field: 'NextToken' } });
    const forged = await call(`/sensorsdata?${range}&device=dev-a&NextToken=bm90LWEtdG9rZW4`);
    expect(forged).toMatchObject({ status: 400, body: { field: 'NextToken' } });
  });
});

describe('auth, bad parameters, unknown things', () => {
  it('401 without or with a wrong x-api-key', async () => {
    expect((await call(`/sensorsdata?${range}&device=dev-a`, { key: null })).status).toBe(401);
    expect((await call(`/anomalies?${range}`, { key: 'wrong-key-0123456789' })).status).toBe(401);
    expect((await call('/sensorsdata/sensors', { key: `${KEY}x` })).status).toBe(401);
  });

  it.each([
    [`/sensorsdata?to=${s(T0)}&device=dev-a`, 'from'],
    [`/sensorsdata?from=yesterday&to=${s(T0)}&device=dev-a`, 'from'],
    [`/sensorsdata?from=${s(T0)}&to=${s(T0 - MIN)}&device=dev-a`, 'to'],
    [`/sensorsdata?from=${s(T0)}&to=${s(T0 + 40 * 86_400_000)}&device=dev-a`, 'to'],
    [`/sensorsdata?${range}`, 'device'],
    [`/sensorsdata?${range}&device=dev-a&measure=voltage`, 'measure'],
    [`/sensorsdata?${range}&device=dev-a&limit=0`, 'limit'],
    [`/sensorsdata?${range}&device=dev-a&limit=5000`, 'limit'],
    [`/sensorsdata?${range}&device=dev-a&devcie=x`, 'devcie'],
    [`/sensorsdata?${range}&device=dev-a&device=dev-b`, 'device'],
    [`/predictions?${range}&device=dev-a&measure=iaq5`, 'measure'],
    [`/anomalies?from=${s(T0)}`, 'to'],
    ['/sensorsdata/sensors?limit=101', 'limit'],
  ])('400 naming the parameter: %s → %s', async (path, field) => {
    const { status, body } = await call(path);
    expect(status).toBe(400);
    expect(body.field).toBe(field);
    expect(body.message).toContain(field);
  });

  it('404 for a device without readings and for an unknown path; 405 for a wrong method', async () => {
    const unknown = await call(`/sensorsdata?${range}&device=nobody`);
    expect(unknown).toMatchObject({ status: 404, body: { field: 'device' } });
    expect((await call(`/predictions?${range}&device=nobody`)).status).toBe(404);
    const res = await fetch(`${api.url}/nothing-here`, { headers: { 'x-api-key': KEY } });
    expect(res.status).toBe(404);
    const wrong = await fetch(`${api.url}/anomalies?${range}`, {
      method: 'DELETE',
      headers: { 'x-api-key': KEY },
    });
    expect([wrong.status, wrong.headers.get('allow')]).toEqual([405, 'GET']);
  });
});

describe('the ingest and the live stream', () => {
  it('PUT /sensorsdata reaches the HTTP ingest: legacy readings are put, bad ones rejected whole', async () => {
    const legacy = {
      devid: 'B84C',
      ts: '2026-11-23T05:00:00Z',
      readings: [45.2, 21.3, 40.1, 0.52, 1013.2, 612, 3],
    };
    const ok = await call('/sensorsdata', {
      method: 'PUT',
      body: JSON.stringify([legacy, legacy]),
      headers: { 'content-type': 'application/json' },
    });
    expect(ok).toMatchObject({ status: 200, body: { accepted: 2 } });
    expect(put).toEqual(['B84C', 'B84C']);
    const bad = await call('/sensorsdata', {
      method: 'PUT',
      body: JSON.stringify({ devid: 'B84C' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    const anonymous = await call('/sensorsdata', {
      method: 'PUT',
      key: null,
      body: JSON.stringify(legacy),
      headers: { 'content-type': 'application/json' },
    });
    expect(anonymous.status).toBe(401);
    expect(put).toHaveLength(2);
  });

  it('GET /events streams health events (with the key), 401 without', async () => {
    expect((await fetch(`${api.url}/events`)).status).toBe(401);
    const controller = new AbortController();
    const res = await fetch(`${api.url}/events`, {
      headers: { 'x-api-key': KEY },
      signal: controller.signal,
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    while (!/event: health\ndata: .*\n\n/.test(text))
      text += new TextDecoder().decode((await reader.read()).value);
    controller.abort();
    const data = JSON.parse(/event: health\ndata: (.*)\n/.exec(text)![1]!) as {
      shards: unknown[];
      deadLetters: unknown[];
      at: string;
    };
    expect(data).toMatchObject({ shards: [], deadLetters: [], workers: 0 });
    expect(Date.parse(data.at)).toBeGreaterThan(0);
  });
});

describe('the OpenAPI document', () => {
  it('is served, like /healthz, without a key', async () => {
    expect((await call('/openapi.json', { key: null })).status).toBe(200);
    expect((await call('/healthz', { key: null })).body).toEqual({ ok: true });
  });

  it('documents every route and status the tests met, and every documented GET route was met', async () => {
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m} ${p}`),
    );
    const met = new Set([...exercised].map((e) => e.split(' ').slice(0, 2).join(' ')));
    for (const d of documented) if (d !== 'get /events') expect([d, met.has(d)]).toEqual([d, true]);
  });
});
