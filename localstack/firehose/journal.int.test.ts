/**
 * The emulator's crash journal on a temporary folder (file I/O, hence an integration test;
 * no cloud needed): what is journaled when, and what survives a failed or torn write.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeliveryStream, type DeliveryStreamSettings } from './delivery-stream.js';
import { Journal } from './journal.js';

const settings: DeliveryStreamSettings = {
  name: 's1',
  arn: 'arn:aws:firehose:us-east-1:000000000000:deliverystream/s1',
  type: 'DirectPut',
  bucketArn: 'arn:aws:s3:::b',
  roleArn: 'arn:aws:iam::000000000000:role/r',
  prefix: 'p/',
  sizeInMBs: 1,
  intervalInSeconds: 60,
  compression: 'UNCOMPRESSED',
  createdAt: 1_000,
};
const text = (records: { data: Uint8Array }[]) =>
  records.map((r) => Buffer.from(r.data).toString());

describe('Firehose emulator journal', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'fh-journal-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('journals accepted records before accept returns and keeps only what is undelivered', async () => {
    const journal = new Journal(dir);
    journal.saveStreams([settings]);
    let release: () => void = () => undefined;
    const written: string[] = [];
    const stream = new DeliveryStream(
      settings,
      async ({ body }) => {
        await new Promise<void>((r) => (release = r));
        written.push(Buffer.from(body).toString());
      },
      journal.stream('s1'),
    );
    stream.accept([Buffer.from('a'), Buffer.from('b')], 10);
    expect(text(new Journal(dir).loadRecords('s1'))).toEqual(['a', 'b']);
    const delivering = stream.tick(0, true);
    stream.accept([Buffer.from('c')], 20); // arrives while the object is being written
    expect(text(journal.loadRecords('s1'))).toEqual(['a', 'b', 'c']);
    release();
    await delivering;
    expect(written).toEqual(['ab']);
    expect(journal.loadRecords('s1')).toEqual([{ arrival: 20, data: Buffer.from('c') }]);
    expect(new Journal(dir).loadStreams()).toEqual([settings]);
  });

  it('keeps the batch journaled when the S3 write fails', async () => {
    const journal = new Journal(dir);
    const stream = new DeliveryStream(
      settings,
      async () => {
        throw new Error('S3 down');
      },
      journal.stream('s1'),
    );
    stream.accept([Buffer.from('x')], 1);
    await stream.tick(0, true);
    expect(stream.pending).toBe(1);
    expect(text(journal.loadRecords('s1'))).toEqual(['x']);
  });

  it('ignores a torn last line and forgets removed streams', () => {
    const journal = new Journal(dir);
    journal.stream('s1').append([{ data: Buffer.from('ok'), arrival: 5 }]);
    appendFileSync(join(dir, 'stream-s1.journal'), '7 dG9y');
    expect(journal.loadRecords('s1')).toEqual([{ arrival: 5, data: Buffer.from('ok') }]);
    expect(readFileSync(join(dir, 'stream-s1.journal'), 'utf8')).toContain('dG9y');
    journal.remove('s1');
    expect(journal.loadRecords('s1')).toEqual([]);
  });
});
