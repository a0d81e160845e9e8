/**
 * @module models/rcf/prng
 * A small seeded pseudo-random generator (sfc32, seeded through splitmix32) whose whole
 * state is four 32-bit words, so a forest that owns one can be serialized and restored
 * mid-stream and continue with exactly the same draws. Invariant: the same seed always
 * yields the same sequence; `next()` is in [0, 1) and `nextOpen()` in (0, 1).
 */

/** A seeded source of uniform numbers whose state can be saved and restored. */
export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in (0, 1): safe for `log(u)`. */
  nextOpen(): number;
  /** The four state words, to serialize. */
  state(): [number, number, number, number];
}

/** Creates a {@link Prng} from the injected generator state (or a seed via {@link seedState}). */
export type PrngFactory = (state: readonly number[]) => Prng;

const TWO_32 = 4294967296;

/** Expands a numeric seed into the four state words of sfc32 with splitmix32. */
export function seedState(seed: number): [number, number, number, number] {
  let x = seed >>> 0;
  const mix = (): number => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  return [mix(), mix(), mix(), mix()];
}

/** The default generator: sfc32 (small fast counting generator, period ≥ 2^32). */
export const sfc32: PrngFactory = (state) => {
  let a = (state[0] ?? 0) >>> 0;
  let b = (state[1] ?? 0) >>> 0;
  let c = (state[2] ?? 0) >>> 0;
  let d = (state[3] ?? 1) >>> 0;
  const word = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t;
  };
  return {
    next: () => word() / TWO_32,
    nextOpen: () => (word() + 0.5) / TWO_32,
    state: () => [a, b, c, d],
  };
};
