import { ConfigError } from '../core/index.js';
import { TokenBucket } from './token-bucket.js';

describe('TokenBucket', () => {
  it('starts full, refills continuously at its rate, and caps at capacity', () => {
    const b = new TokenBucket({ ratePerSecond: 1000, now: 0 });
    expect(b.available(0)).toBe(1000);
    b.take(1000, 0);
    expect(b.available(0)).toBe(0);
    expect(b.available(250)).toBe(250);
    expect(b.available(5_000)).toBe(1000);
  });

  it('says exactly how long until n tokens are there', () => {
    const b = new TokenBucket({ ratePerSecond: 10, capacity: 5, now: 0 });
    b.take(5, 0);
    expect(b.waitMs(1, 0)).toBe(100);
    expect(b.waitMs(3, 50)).toBe(250);
    expect(b.waitMs(100, 50)).toBe(450); // capped at capacity: 5 − 0.5 tokens at 10/s
    expect(b.waitMs(1, 100)).toBe(0);
  });

  it('drain empties it after a throttle', () => {
    const b = new TokenBucket({ ratePerSecond: 100, now: 0 });
    b.drain(0);
    expect(b.available(0)).toBe(0);
    expect(b.available(10)).toBe(1);
  });

  it('rejects a non-positive rate', () => {
    expect(() => new TokenBucket({ ratePerSecond: 0, now: 0 })).toThrow(ConfigError);
  });
});
