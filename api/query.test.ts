/**
 * The API's pure pieces: parameter parsing and bounds (400s naming the parameter), page tokens
 * bound to their query, the envelope, the strongest measure of an explanation, and the
 * stream-health arithmetic (rates between looks, lag from the shard holder's metrics).
 */
import { ApiError } from './api-error.js';
import { envelope } from './envelope.js';
import { explainByMeasure, strongestMeasure } from './explanation.js';
import { parseMetrics, streamHealth, type Look } from './health-model.js';
import { decodeToken, encodeToken, queryFingerprint } from './page-token.js';
import { keyParam, onlyKnown, pageSize, timeRange, DEFAULT_LIMITS } from './params.js';

const q = (text: string) => new URLSearchParams(text);
const fieldOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    if (e instanceof ApiError) return `${e.status} ${e.field}`;
    throw e;
  }
  return undefined;
};

describe('parameters', () => {
  it('reads unix seconds into a bounded range', () => {
    expect(timeRange(q('from=1795410000&to=1795413600.5'))).toEqual({
      fromMs: 1795410000_000,
      toMs: 1795413600_500,
    });
    expect(fieldOf(() => timeRange(q('to=1')))).toBe('400 from');
    expect(fieldOf(() => timeRange(q('from=2&to=1')))).toBe('400 to');
    expect(fieldOf(() => timeRange(q('from=-1&to=1')))).toBe('400 from');
    expect(fieldOf(() => timeRange(q('from=0&to=1e3')))).toBe('400 to');
    const limits = { ...DEFAULT_LIMITS, maxRangeSeconds: 60 };
    expect(timeRange(q('from=0&to=60'), limits).toMs).toBe(60_000);
    expect(fieldOf(() => timeRange(q('from=0&to=61'), limits))).toBe('400 to');
  });

  it('bounds the page size, rejects unknown, repeated and reserved keys', () => {
    expect(pageSize(q(''))).toBe(500);
    expect(pageSize(q('limit=1000'))).toBe(1000);
    for (const bad of ['limit=0', 'limit=1001', 'limit=2.5', 'limit=x'])
      expect(fieldOf(() => pageSize(q(bad)))).toBe('400 limit');
    expect(fieldOf(() => onlyKnown(q('from=1&form=2'), ['from']))).toBe('400 form');
    expect(fieldOf(() => keyParam(q('device=a&device=b'), 'device'))).toBe('400 device');
    expect(fieldOf(() => keyParam(q('device=%23keys'), 'device'))).toBe('400 device');
    expect(fieldOf(() => keyParam(q('device=a%0Ab'), 'device'))).toBe('400 device');
    expect(keyParam(q('device=B84C%23x'), 'device')).toBe('B84C#x');
    expect(keyParam(q(''), 'device', true)).toBeUndefined();
  });
});

describe('page tokens', () => {
  it('round-trip for their own query only', () => {
    const a = queryFingerprint({ route: 'r', device: 'd', fromMs: 1 });
    const b = queryFingerprint({ route: 'r', device: 'd', fromMs: 2 });
    expect(queryFingerprint({ fromMs: 1, device: 'd', route: 'r' })).toBe(a);
    const token = encodeToken(a, { pk: 'd', sk: '2026' }) as string;
    expect(decodeToken(a, token)).toEqual({ pk: 'd', sk: '2026' });
    expect(fieldOf(() => decodeToken(b, token))).toBe('400 NextToken');
    expect(encodeToken(a, undefined)).toBeNull();
    const forged = Buffer.from(JSON.stringify({ q: a, k: { pk: 1 } })).toString('base64url');
    expect(fieldOf(() => decodeToken(a, forged))).toBe('400 NextToken');
    expect(fieldOf(() => decodeToken(a, 'not base64 !'))).toBe('400 NextToken');
  });
});

describe('envelope', () => {
  it('keeps rows as lists in column order and refuses a ragged row', () => {
    const columns = [
      { name: 'time', type: 'timestamp' as const },
      { name: 'iaq', type: 'float' as const },
    ];
    const source = { name: 't', type: 'dynamodb', format: 'Timeserie' as const, columns };
    const e = envelope([['2026-11-23T05:00:00.000Z', 50]], source, {
      queryId: 'q1',
      consumed: true,
      next: 'tok',
    });
    expect(e).toEqual({
      Records: [['2026-11-23T05:00:00.000Z', 50]],
      Metadata: {
        SourceName: 't',
        SourceType: 'dynamodb',
        SourceFormat: 'Timeserie',
        ColumnName: ['time', 'iaq'],
        ColumnType: ['timestamp', 'float'],
      },
      ExecutionInfo: { LastQueryId: 'q1', NextTokenConsumed: true, NextToken: 'tok' },
    });
    expect(() => envelope([['x']], source, { queryId: 'q', consumed: false, next: null })).toThrow(
      /1 cells for 2 columns/,
    );
  });
});

describe('explainByMeasure', () => {
  it('sums a measure over its shingle positions, takes the newest window’s direction, strongest first', () => {
    const explanation = {
      iaq: { DIRECTION: 'HIGH', STRENGTH: '0.2', ATTRIBUTION_SCORE: '0.3' },
      'iaq@t-1': { DIRECTION: 'LOW', STRENGTH: '0.2', ATTRIBUTION_SCORE: '0.5' },
      co2: { DIRECTION: 'LOW', STRENGTH: '0.9', ATTRIBUTION_SCORE: '0.6' },
      'co2@t-1': { DIRECTION: 'HIGH', STRENGTH: '0.9', ATTRIBUTION_SCORE: '0.65' },
      voc: { DIRECTION: 'HIGH' },
    };
    expect(explainByMeasure(explanation)).toEqual([
      { measure: 'co2', direction: 'LOW', attribution: 1.25 },
      { measure: 'iaq', direction: 'HIGH', attribution: 0.8 },
    ]);
    expect(strongestMeasure(explanation)?.measure).toBe('co2');
    expect(strongestMeasure(null)).toBeUndefined();
    expect(explainByMeasure({ 'x@t-2': { DIRECTION: 'LOW', ATTRIBUTION_SCORE: 1 } })).toEqual([
      { measure: 'x', direction: 'LOW', attribution: 1 },
    ]);
  });
});

describe('stream health', () => {
  const metrics = (records: number, behind: Record<string, number>) =>
    parseMetrics(
      [
        '# HELP shardflow_consumer_records_total x',
        `shardflow_consumer_records_total{shard="s-0"} ${records}`,
        ...Object.entries(behind).map(
          ([s, v]) => `shardflow_consumer_millis_behind_latest{shard="${s}"} ${v}`,
        ),
      ].join('\n'),
    );
  const look = (at: number, records: number, recordsIn: number | null): Look => ({
    at,
    recordsIn,
    deadLetters: { schema: 2, 'invalid-json': 5 },
    leases: [
      { shardId: 's-1', owner: 'w2', checkpoint: '9' },
      { shardId: 's-0', owner: 'w1', checkpoint: '7' },
    ],
    workers: [
      // w1 holds s-0; its stale gauge of s-1 (which it no longer holds) is ignored
      {
        url: 'u1',
        up: true,
        leases: ['s-0'],
        samples: metrics(records, { 's-0': 1200, 's-1': 99 }),
      },
      { url: 'u2', up: false, leases: ['s-1'], samples: new Map() },
    ],
  });

  it('computes rates between looks and per-shard lag from the holder', () => {
    const first = streamHealth(look(10_000, 100, 40));
    expect(first.recordsInPerSecond).toBeNull();
    const second = streamHealth(look(12_000, 300, 140), first);
    expect(second).toMatchObject({
      recordsOutPerSecond: 100,
      recordsInPerSecond: 50,
      workersUp: 1,
      workers: 2,
      shards: [
        { shardId: 's-0', owner: 'w1', millisBehindLatest: 1200 },
        { shardId: 's-1', owner: 'w2', millisBehindLatest: null },
      ],
      deadLetters: [
        { reason: 'invalid-json', count: 5 },
        { reason: 'schema', count: 2 },
      ],
    });
    // a worker that stops answering makes the total drop: the rate is 0, not negative
    expect(streamHealth(look(13_000, 0, null), second).recordsOutPerSecond).toBe(0);
  });
});
