import { hourlyPrefixes, objectTime, sortByDelivery } from './archive-keys.js';

describe('hourlyPrefixes', () => {
  it('covers every UTC hour overlapping [from, to), across a day boundary', () => {
    expect(
      hourlyPrefixes('raw/', new Date('2026-11-23T22:30:00Z'), new Date('2026-11-24T01:00:00Z')),
    ).toEqual(['raw/2026/11/23/22/', 'raw/2026/11/23/23/', 'raw/2026/11/24/00/']);
  });
  it('is empty for an empty or inverted range', () => {
    const t = new Date('2026-11-23T00:00:00Z');
    expect(hourlyPrefixes('raw/', t, t)).toEqual([]);
  });
});

describe('objectTime', () => {
  it('reads the delivery time Firehose puts in an object name', () => {
    const key =
      'raw/2026/11/23/08/shardflow-raw-archive-1-2026-11-23-08-15-42-0f8b4c1e-3a2d-4b7e-9c1a-2b3c4d5e6f70.gz';
    expect(objectTime(key)?.toISOString()).toBe('2026-11-23T08:15:42.000Z');
  });
  it('returns undefined for keys not named by Firehose', () => {
    expect(objectTime('raw/2026/11/23/08/notes.txt')).toBeUndefined();
  });
});

describe('sortByDelivery', () => {
  it('orders by encoded time, not by key text', () => {
    const a = 'raw/x/b-stream-1-2026-11-23-08-00-05-00000000-0000-0000-0000-000000000000';
    const b = 'raw/x/a-stream-1-2026-11-23-08-00-09-00000000-0000-0000-0000-000000000000';
    expect(sortByDelivery([b, a])).toEqual([a, b]);
  });
});
