import { paced } from './pacing.js';

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
