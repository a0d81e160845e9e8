import { partitionKeyOf } from '../../core/index.js';
import { eventTimeOf } from './event-time.js';

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
