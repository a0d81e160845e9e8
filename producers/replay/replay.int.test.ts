import { gzipSync } from 'node:zlib';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { testClients, testConfig } from '../../test/helpers.js';
import { parseSpeed } from '../pacing.js';
import {
  replayArchive,
  type ReplayOptions,
  type ReplayProblem,
  type ReplayRecord,
} from './index.js';

const config = testConfig();
const clients = testClients(config);
const bucket = config.bucketName;
afterAll(() => clients.destroy());

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const key = (hour: string, stamp: string, n: number, ext = '') =>
  `raw/2026/11/23/${hour}/${config.rawDeliveryStream}-1-2026-11-23-${stamp}-${uuid(n)}${ext}`;
const reading = (deviceId: string, minute: number) =>
  JSON.stringify({
    kind: 'device',
    deviceId,
    ts: `2026-11-23T08:${String(minute).padStart(2, '0')}:00.000Z`,
    readings: { iaq: minute },
  });

beforeAll(async () => {
  await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const put = (Key: string, Body: Uint8Array | string) =>
    clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body }));
  // delivered second (08:30), gzip, newline-delimited, with one corrupt line
  await put(
    key('08', '08-30-00', 2, '.gz'),
    gzipSync(`${reading('d2', 3)}\nthis is not json\n${reading('d1', 4)}\n`),
  );
  // delivered first (08:10), plain, records back to back as Firehose concatenates them
  await put(key('08', '08-10-00', 1), `${reading('d1', 1)}${reading('d2', 2)}`);
  // a corrupt gzip object
  await put(key('09', '09-05-00', 3, '.gz'), Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01]));
  // a record without a partition key, and an object outside the range
  await put(key('09', '09-20-00', 4), `{"kind":"device","ts":"2026-11-23T09:00:00Z"}\n`);
  await put(key('11', '11-00-00', 5), `${reading('d9', 9)}\n`);
  // not a Firehose object name
  await put('raw/2026/11/23/09/README.txt', 'hello');
});

/**
 * Replays the bucket's arrival range [from, to) at full speed, `options` over that; the summary
 * and the records put (unless `options.put` takes them).
 */
async function replay(from: string, to: string, options: Partial<ReplayOptions> = {}) {
  const puts: ReplayRecord[] = [];
  const summary = await replayArchive({
    s3: clients.s3,
    bucket,
    from: new Date(from),
    to: new Date(to),
    speed: 'max',
    put: async (r) => {
      puts.push(r);
    },
    ...options,
  });
  return { summary, puts };
}

describe('replayArchive (S3 through the SDK)', () => {
  it('re-puts every good record in delivery order with its partition key, reporting every problem', async () => {
    const problems: ReplayProblem[] = [];
    const { summary, puts } = await replay('2026-11-23T08:00:00Z', '2026-11-23T10:00:00Z', {
      onProblem: (p) => problems.push(p),
    });
    expect(
      puts.map((p) => [
        p.partitionKey,
        (JSON.parse(Buffer.from(p.data).toString()) as { readings: { iaq: number } }).readings.iaq,
      ]),
    ).toEqual([
      ['d1', 1],
      ['d2', 2],
      ['d2', 3],
      ['d1', 4],
    ]);
    expect(problems.map((p) => p.kind).sort()).toEqual([
      'corrupt-object',
      'corrupt-record',
      'no-partition-key',
      'unrecognized-key',
    ]);
    expect(summary).toMatchObject({
      objectsDone: 4,
      objectsTotal: 4,
      records: 4,
      corruptObjects: 1,
      corruptRecords: 2,
      unrecognizedKeys: 1,
      failedPuts: 0,
    });
  });

  it('counts puts that fail by reason, instead of a line per record or losing them', async () => {
    const problems: ReplayProblem[] = [];
    const { summary } = await replay('2026-11-23T08:00:00Z', '2026-11-23T08:20:00Z', {
      put: async (r) => {
        if (r.partitionKey === 'd2') throw new Error('throttled for good');
      },
      onProblem: (p) => problems.push(p),
    });
    expect(summary.failedPuts).toBe(1);
    expect(summary.failedPutReasons).toEqual({ 'throttled for good': 1 });
    expect(problems.map((p) => p.kind as string)).not.toContain('put-failed');
  });

  it('filters by reading time within the arrival range, counting what it skipped', async () => {
    const { summary, puts } = await replay('2026-11-23T08:00:00Z', '2026-11-23T10:00:00Z', {
      readingsFrom: new Date('2026-11-23T08:02:00Z'),
      readingsTo: new Date('2026-11-23T08:04:00Z'),
    });
    const minutes = puts.map(
      (p) =>
        (JSON.parse(Buffer.from(p.data).toString()) as { readings: { iaq: number } }).readings.iaq,
    );
    expect(minutes).toEqual([2, 3]);
    // d1@1 and d1@4 are outside (the keyless record is counted as corrupt, not as outside)
    expect(summary.outsideReadingRange).toBe(2);
    expect(summary.corruptRecords).toBe(2);
  });

  it('lists a 200-year range in one request, with progress', async () => {
    const pages: number[] = [];
    const { summary } = await replay('1900-01-01T00:00:00Z', '2100-01-01T00:00:00Z', {
      onListing: (p) => pages.push(p.keys),
    });
    expect(pages).toEqual([6]); // one page: the six objects under raw/
    expect(summary.objectsTotal).toBe(5);
    expect(summary.records).toBe(5);
  });

  it('stops while listing when the signal aborts, and says so', async () => {
    const abort = new AbortController();
    const { summary, puts } = await replay('1900-01-01T00:00:00Z', '2100-01-01T00:00:00Z', {
      signal: abort.signal,
      onListing: () => abort.abort(),
    });
    expect(summary.stopped).toBe(true);
    expect(puts).toEqual([]);
  });

  it('stops while waiting for the pace when the signal aborts', async () => {
    const abort = new AbortController();
    const puts: ReplayRecord[] = [];
    const started = Date.now();
    const { summary } = await replay('2026-11-23T08:00:00Z', '2026-11-23T10:00:00Z', {
      // one simulated minute between the first two records: the pacer's longest wait (5 s)
      speed: parseSpeed('0.001x'),
      put: async (r) => {
        puts.push(r);
        setTimeout(() => abort.abort(), 50);
      },
      signal: abort.signal,
    });
    expect(summary.stopped).toBe(true);
    expect(puts).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(4_000); // not the 5 s wait
  });
});
