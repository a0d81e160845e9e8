import aggregation from 'aws-kinesis-agg';
import { userRecords } from './kinesis-source.js';

/** Aggregates records in the KPL format with the reference library. */
async function kplAggregate(records: { partitionKey: string; data: Buffer }[]): Promise<Buffer[]> {
  const out: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    aggregation.aggregate(
      records,
      (encoded, done) => {
        out.push(encoded.data);
        done();
      },
      () => resolve(),
      (error) => reject(error),
    );
  });
  return out;
}

describe('Kinesis source: user records of a Kinesis record', () => {
  it('splits a KPL-aggregated record into its user records, in order (as Firehose does)', async () => {
    const users = ['{"a":1}\n', '{"b":2}\n', '{"c":3}\n'].map((s, i) => ({
      partitionKey: `dev-${i}`,
      data: Buffer.from(s),
    }));
    const [aggregated] = await kplAggregate(users);
    expect(aggregated!.subarray(0, 4)).toEqual(Buffer.from([0xf3, 0x89, 0x9a, 0xc2]));
    expect(userRecords(aggregated!).map((r) => Buffer.from(r).toString())).toEqual([
      '{"a":1}\n',
      '{"b":2}\n',
      '{"c":3}\n',
    ]);
  });

  it('keeps a plain record as it is', () => {
    const plain = Buffer.from('{"x":1}\n');
    expect(userRecords(plain)).toEqual([plain]);
    expect(userRecords(new Uint8Array(0))).toHaveLength(1);
  });
});
