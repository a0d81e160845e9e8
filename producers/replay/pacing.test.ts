import { Pacer, eventTimeOf, parseSpeed, partitionKeyOf } from './pacing.js';

describe('parseSpeed', () => {
  it.each([
    ['10x', 10],
    ['0.5x', 0.5],
    ['3', 3],
    ['max', 'max'],
  ])('parses %s', (text, speed) => expect(parseSpeed(text)).toBe(speed));
  it.each(['0x', '-2', 'fast', ''])('rejects %j', (text) =>
    expect(() => parseSpeed(text)).toThrow(RangeError),
  );
});

describe('Pacer', () => {
  it('spaces records by their event-time gaps divided by the speed', () => {
    const pacer = new Pacer({ speed: 10, maxGapMs: 60_000 });
    const t0 = Date.parse('2026-11-23T00:00:00Z');
    expect(pacer.due(t0, 1_000)).toBe(1_000);
    expect(pacer.due(t0 + 60_000, 1_000)).toBe(7_000);
    expect(pacer.due(t0 + 60_000, 1_000)).toBe(7_000);
    expect(pacer.due(t0 + 30_000, 1_000)).toBe(7_000); // out of order: due at once
    expect(pacer.due(t0 + 120_000, 1_000)).toBe(13_000);
  });
  it('caps long gaps and ignores pacing at max speed', () => {
    const capped = new Pacer({ speed: 1, maxGapMs: 2_000 });
    capped.due(0, 0);
    expect(capped.due(3_600_000, 0)).toBe(2_000);
    const max = new Pacer({ speed: 'max' });
    expect(max.due(0, 5)).toBe(5);
    expect(max.due(3_600_000, 6)).toBe(6);
  });
});

describe('partitionKeyOf / eventTimeOf', () => {
  it('takes the device or household id as the partition key', () => {
    expect(partitionKeyOf({ kind: 'device', deviceId: 'D1' })).toBe('D1');
    expect(partitionKeyOf({ kind: 'household', householdId: 'h-1' })).toBe('h-1');
    expect(partitionKeyOf({ devid: 'L1' })).toBe('L1');
    expect(partitionKeyOf({ kind: 'device' })).toBeUndefined();
    expect(partitionKeyOf('x')).toBeUndefined();
  });
  it('parses ts when valid', () => {
    expect(eventTimeOf({ ts: '2026-11-23T00:00:00Z' })).toBe(Date.parse('2026-11-23T00:00:00Z'));
    expect(eventTimeOf({ ts: 'yesterday' })).toBeUndefined();
  });
});
