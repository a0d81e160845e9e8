import { keyRange, objectTime, sortByDelivery } from './archive-keys.js';

describe('keyRange', () => {
  it('is one key range from the first hour folder to the one after the last', () => {
    expect(
      keyRange('raw/', new Date('2026-11-23T22:30:00Z'), new Date('2026-11-24T01:00:00Z')),
    ).toEqual({ startAfter: 'raw/2026/11/23/22/', end: 'raw/2026/11/24/01/' });
    // a partial last hour is included
    expect(
      keyRange('raw/', new Date('2026-11-23T22:00:00Z'), new Date('2026-11-23T22:00:01Z'))?.end,
    ).toBe('raw/2026/11/23/23/');
  });
  it('orders keys of the range between its bounds, and keys outside it outside', () => {
    const r = keyRange('raw/', new Date('2026-11-23T08:00:00Z'), new Date('2026-11-23T10:00:00Z'))!;
    const inside = (k: string) => k > r.startAfter && k < r.end;
    expect(inside('raw/2026/11/23/08/s-1-2026-11-23-08-10-00-x')).toBe(true);
    expect(inside('raw/2026/11/23/09/s-1-2026-11-23-09-59-00-x')).toBe(true);
    expect(inside('raw/2026/11/23/07/s-1-2026-11-23-07-59-00-x')).toBe(false);
    expect(inside('raw/2026/11/23/10/s-1-2026-11-23-10-00-00-x')).toBe(false);
  });
  it('stays two strings for a 200-year range and beyond year 9999', () => {
    const r = keyRange('raw/', new Date('1900-01-01T00:00:00Z'), new Date('2100-01-01T00:00:00Z'));
    expect(r).toEqual({ startAfter: 'raw/1900/01/01/00/', end: 'raw/2100/01/01/00/' });
    const wide = keyRange('raw/', new Date(-8.64e15), new Date(8.64e15));
    expect(wide).toEqual({ startAfter: 'raw/0000/01/01/00/', end: 'raw/:' });
    expect('raw/9999/12/31/23/x' < wide!.end).toBe(true);
  });
  it('is undefined for an empty or inverted range', () => {
    const t = new Date('2026-11-23T00:00:00Z');
    expect(keyRange('raw/', t, t)).toBeUndefined();
    expect(keyRange('raw/', t, new Date(t.getTime() - 1))).toBeUndefined();
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
