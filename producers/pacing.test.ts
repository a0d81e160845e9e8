import { ConfigError } from '../core/index.js';
import { Pacer, paced, parseSpeed } from './pacing.js';

describe('parseSpeed', () => {
  it.each([
    ['10x', 10],
    ['0.5x', 0.5],
    ['3', 3],
    ['max', 'max'],
  ])('parses %s', (text, speed) => expect(parseSpeed(text)).toBe(speed));
  it.each(['0x', '-2', 'fast', ''])('rejects %j', (text) =>
    expect(() => parseSpeed(text)).toThrow(ConfigError),
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

describe('paced', () => {
  it('releases items at simulated time divided by speed, and reports lag', async () => {
    let now = 1_000;
    const slept: number[] = [];
    const source = paced([0, 60_000, 120_000, 180_000], {
      timeOf: (t) => t,
      speed: 60, // a simulated minute per real second
      now: () => now,
      sleep: async (ms) => {
        slept.push(ms);
        now += ms;
      },
    });
    const seen: number[] = [];
    for await (const t of source) {
      seen.push(t);
      if (t === 120_000) now += 5_000; // a slow consumer
    }
    expect(seen).toEqual([0, 60_000, 120_000, 180_000]);
    expect(slept).toEqual([1_000, 1_000]);
    // The last item was due at 4 s (real, from the start) but released at 8 s.
    expect(source.lagMs).toBe(4_000);
  });

  it('does not wait at infinite speed and stops on request', async () => {
    let stop = false;
    const seen: number[] = [];
    for await (const t of paced([1, 2, 3], { timeOf: (t) => t * 1e9, stopped: () => stop })) {
      seen.push(t);
      stop = true;
    }
    expect(seen).toEqual([1]);
  });
});
