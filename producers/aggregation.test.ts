import { KplAggregate, deaggregate, type AggregatedUserRecord } from './aggregation.js';

const roundTrip = (users: AggregatedUserRecord[]) => {
  const agg = new KplAggregate();
  for (const u of users) expect(agg.tryAdd(u)).toBe(true);
  return deaggregate({ partitionKey: 'x', sequenceNumber: '9', data: agg.encode() });
};

describe('producer aggregation (through the one KPL codec)', () => {
  it('reads back an explicit hash key only for the user records written with one', () => {
    const back = roundTrip([
      {
        partitionKey: 'a',
        explicitHashKey: '340282366920938463463374607431768211455',
        data: Buffer.from('0'),
      },
      { partitionKey: 'b', data: Buffer.from('1') },
    ]);
    expect(back.map((r) => [r.partitionKey, r.explicitHashKey, r.subSequenceNumber])).toEqual([
      ['a', '340282366920938463463374607431768211455', 0],
      ['b', undefined, 1],
    ]);
  });

  it('keeps each record with its own integer-like partition key (device ids such as "7")', () => {
    const back = roundTrip([
      { partitionKey: 'dev-1', data: Buffer.from('a') },
      { partitionKey: '7', data: Buffer.from('b') },
      { partitionKey: '3', data: Buffer.from('c') },
    ]);
    expect(back.map((r) => [r.partitionKey, r.data.toString()])).toEqual([
      ['dev-1', 'a'],
      ['7', 'b'],
      ['3', 'c'],
    ]);
  });
});
