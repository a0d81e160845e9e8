import { createHash } from 'node:crypto';
import { ShardMap, hashKeyOf } from './shard-map.js';

const TOP = (1n << 128n) - 1n;
const quarter = (1n << 128n) / 4n;
const evenShards = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    ShardId: `shardId-${i}`,
    HashKeyRange: {
      StartingHashKey: String((TOP / BigInt(n) + 1n) * BigInt(i)),
      EndingHashKey: String(i === n - 1 ? TOP : (TOP / BigInt(n) + 1n) * BigInt(i + 1) - 1n),
    },
  }));

describe('hashKeyOf', () => {
  it('is the MD5 of the UTF-8 partition key read as a 128-bit big-endian integer', () => {
    // md5("a") = 0cc175b9c0f1b6a831c399e269772661
    expect(hashKeyOf({ partitionKey: 'a' })).toBe(0x0cc175b9c0f1b6a831c399e269772661n);
    const md5 = createHash('md5').update('café', 'utf8').digest('hex');
    expect(hashKeyOf({ partitionKey: 'café' })).toBe(BigInt(`0x${md5}`));
  });

  it('stays the MD5 for repeated keys and past the recent-key cache (10,000 distinct keys, twice)', () => {
    // one expect over every mismatch: 20,000 expect calls alone took ~2.5 s
    const wrong: string[] = [];
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 10_000; i += 1) {
        const key = `dev-${(i * 7919) % 10_000}-é`;
        const md5 = createHash('md5').update(key, 'utf8').digest('hex');
        if (hashKeyOf({ partitionKey: key }) !== BigInt(`0x${md5}`)) wrong.push(`${round}:${key}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('uses the explicit hash key when there is one', () => {
    expect(hashKeyOf({ partitionKey: 'a', explicitHashKey: '42' })).toBe(42n);
  });
});

describe('ShardMap', () => {
  it('places hash keys in the shard whose inclusive range holds them', () => {
    const map = ShardMap.fromShards(evenShards(4));
    expect(map.shardFor(0n)).toBe('shardId-0');
    expect(map.shardFor(quarter - 1n)).toBe('shardId-0');
    expect(map.shardFor(quarter)).toBe('shardId-1');
    expect(map.shardFor(TOP)).toBe('shardId-3');
    expect(map.shardFor(hashKeyOf({ partitionKey: 'a' }))).toBe('shardId-0');
    expect(map.contains('shardId-2', 2n * quarter)).toBe(true);
    expect(map.contains('shardId-1', 2n * quarter)).toBe(false);
  });

  it('ignores closed parent shards after a split and sorts by range', () => {
    const map = ShardMap.fromShards([
      {
        ShardId: 'child-b',
        HashKeyRange: { StartingHashKey: String(1n << 127n), EndingHashKey: String(TOP) },
      },
      {
        ShardId: 'parent',
        HashKeyRange: { StartingHashKey: '0', EndingHashKey: String(TOP) },
        SequenceNumberRange: { EndingSequenceNumber: '99' },
      },
      {
        ShardId: 'child-a',
        HashKeyRange: { StartingHashKey: '0', EndingHashKey: String((1n << 127n) - 1n) },
      },
    ]);
    expect(map.shards.map((s) => s.shardId)).toEqual(['child-a', 'child-b']);
    expect(map.shardFor(1n << 127n)).toBe('child-b');
  });

  it('reports no shard for a hash key outside every open range (a stale map)', () => {
    const map = ShardMap.fromShards([
      { ShardId: 's', HashKeyRange: { StartingHashKey: '10', EndingHashKey: '20' } },
    ]);
    expect(map.shardFor(9n)).toBeUndefined();
    expect(map.shardFor(21n)).toBeUndefined();
  });
});
