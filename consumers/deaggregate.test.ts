import { createRequire } from 'node:module';
import { isKplAggregate } from '../adapters/index.js';
import { deaggregate, toSourceRecords } from './deaggregate.js';

interface Encoded {
  partitionKey: string;
  data: Buffer;
}
const agg = createRequire(import.meta.url)('aws-kinesis-agg') as {
  aggregate(
    records: { partitionKey: string; explicitHashKey?: string; data: Buffer }[],
    onEncoded: (e: Encoded, cb: (err?: Error) => void) => void,
    after: () => void,
    onError: (e: Error) => void,
  ): void;
};

/** Aggregates with the reference library (an encoder independent of ours). */
function aggregateAll(
  records: { partitionKey: string; explicitHashKey?: string; data: Buffer }[],
): Promise<Encoded[]> {
  return new Promise((resolve, reject) => {
    const out: Encoded[] = [];
    agg.aggregate(
      records,
      (e, cb) => (out.push(e), cb()),
      () => resolve(out),
      reject,
    );
  });
}

describe('deaggregate', () => {
  it('passes a plain record through with sub-sequence 0', () => {
    const data = new TextEncoder().encode('{"a":1}');
    const at = new Date(1_700_000_000_000);
    expect(
      deaggregate({
        SequenceNumber: '42',
        PartitionKey: 'k',
        Data: data,
        ApproximateArrivalTimestamp: at,
      }),
    ).toEqual([
      {
        sequenceNumber: '42',
        subSequenceNumber: 0,
        partitionKey: 'k',
        data,
        approximateArrivalTimestamp: at.getTime(),
      },
    ]);
  });

  it('expands a KPL aggregated record keeping order, keys and sub-sequence numbers', async () => {
    const users = Array.from({ length: 5 }, (_, i) => ({
      partitionKey: `k${i % 2}`,
      data: Buffer.from(`r${i}`),
    }));
    const [encoded] = await aggregateAll(users);
    expect(isKplAggregate(encoded!.data)).toBe(true);
    const out = deaggregate({
      SequenceNumber: '7',
      PartitionKey: encoded!.partitionKey,
      Data: encoded!.data,
    });
    expect(
      out.map((u) => [u.subSequenceNumber, u.partitionKey, Buffer.from(u.data).toString()]),
    ).toEqual(users.map((u, i) => [i, u.partitionKey, u.data.toString()]));
    expect(out.every((u) => u.sequenceNumber === '7')).toBe(true);
  });

  it('gives an explicit hash key only to user records that carry their own (KCL AggregatorUtil)', async () => {
    const ehk = '170141183460469231731687303715884105728';
    const [encoded] = await aggregateAll([
      { partitionKey: 'a', explicitHashKey: ehk, data: Buffer.from('x') },
      { partitionKey: 'b', data: Buffer.from('y') },
      { partitionKey: 'c', data: Buffer.from('z') },
    ]);
    const out = deaggregate({ SequenceNumber: '1', PartitionKey: 'a', Data: encoded!.data });
    expect(out.map((u) => [u.partitionKey, u.explicitHashKey])).toEqual([
      ['a', ehk],
      ['b', undefined],
      ['c', undefined],
    ]);
    expect(out[1]).not.toHaveProperty('explicitHashKey');
  });

  it('delivers a corrupt aggregate (bad checksum) whole, as one plain record (KCL)', async () => {
    const [encoded] = await aggregateAll([
      { partitionKey: 'k', data: Buffer.from('x') },
      { partitionKey: 'k', data: Buffer.from('y') },
    ]);
    const bad = Buffer.from(encoded!.data);
    bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 0xff;
    const out = deaggregate({ SequenceNumber: '1', PartitionKey: 'k', Data: bad });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ sequenceNumber: '1', subSequenceNumber: 0, partitionKey: 'k' });
    expect(Buffer.from(out[0]!.data).equals(bad)).toBe(true);
  });

  describe('toSourceRecords (one read at once)', () => {
    const plain = (seq: string, text: string) => ({
      SequenceNumber: seq,
      PartitionKey: 'p',
      Data: Buffer.from(text),
      ApproximateArrivalTimestamp: new Date(5),
    });
    const read = async () => {
      const [encoded] = await aggregateAll(
        ['a', 'b', 'c'].map((t, i) => ({ partitionKey: `k${i}`, data: Buffer.from(t) })),
      );
      return [
        plain('10', 'x'),
        { SequenceNumber: '11', PartitionKey: 'k0', Data: encoded!.data },
        plain('12', 'y'),
      ];
    };
    const summary = (records: ReturnType<typeof toSourceRecords>) =>
      records.map((r) => [
        r.position.sequenceNumber,
        r.position.subSequenceNumber,
        r.position.ordinal,
        Buffer.from(r.data).toString(),
      ]);

    it('numbers every user record of a read with consecutive ordinals, as deaggregate expands them', async () => {
      const records = await read();
      const out = toSourceRecords('s', records, 40);
      expect(summary(out)).toEqual([
        ['10', 0, 40, 'x'],
        ['11', 0, 41, 'a'],
        ['11', 1, 42, 'b'],
        ['11', 2, 43, 'c'],
        ['12', 0, 44, 'y'],
      ]);
      expect(out.every((r) => r.position.shardId === 's')).toBe(true);
      const one = records.flatMap((r) => deaggregate(r));
      expect(out.map((r) => [r.partitionKey, r.approximateArrivalTimestamp])).toEqual(
        one.map((u) => [u.partitionKey, u.approximateArrivalTimestamp]),
      );
    });

    it('drops user records at or before a checkpoint inside an aggregate, numbering the rest from the first ordinal', async () => {
      const records = await read();
      const out = toSourceRecords('s', records, 0, { sequenceNumber: '11', subSequenceNumber: 1 });
      expect(summary(out)).toEqual([
        ['11', 2, 0, 'c'],
        ['12', 0, 1, 'y'],
      ]);
      expect(
        summary(toSourceRecords('s', records, 0, { sequenceNumber: '10', subSequenceNumber: 0 })),
      ).toHaveLength(4);
      expect(
        toSourceRecords('s', records, 0, { sequenceNumber: '12', subSequenceNumber: 0 }),
      ).toEqual([]);
    });
  });
});
