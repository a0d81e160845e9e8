import { prng, seedOf, seedState, sfc32 } from './random.js';

describe('the one PRNG', () => {
  it('repeats a sequence for a seed and differs across seeds', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, prng(seed).next);
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(seedOf('dev-1')).toBe(seedOf('dev-1'));
    expect(seedOf('dev-1')).not.toBe(seedOf('dev-2'));
  });

  it('continues exactly from a saved state', () => {
    const a = sfc32(seedState(42));
    for (let i = 0; i < 10; i += 1) a.next();
    const b = sfc32(a.state());
    expect(Array.from({ length: 5 }, () => b.normal())).toEqual(
      Array.from({ length: 5 }, () => a.normal()),
    );
  });

  it('keeps every draw in its range', () => {
    const rng = prng(1);
    for (let i = 0; i < 2_000; i += 1) {
      const u = rng.next();
      const o = rng.nextOpen();
      const k = rng.int(3, 5);
      const x = rng.between(-2, 2);
      expect(u >= 0 && u < 1 && o > 0 && o < 1).toBe(true);
      expect([3, 4, 5]).toContain(k);
      expect(x >= -2 && x < 2).toBe(true);
      expect(Number.isFinite(rng.normal())).toBe(true);
    }
  });
});
