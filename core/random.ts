/**
 * @module core/random
 * The one seeded pseudo-random generator of shardflow (sfc32, seeded through splitmix32):
 * its whole state is four 32-bit words, so an owner (a forest, a simulator) can be
 * serialized and restored mid-stream and continue with exactly the same draws, and the same
 * seed yields the same numbers on every machine. Randomness is injected, never global.
 */

/** A seeded source of random numbers whose state can be saved and restored. */
export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in (0, 1): safe for `log(u)`. */
  nextOpen(): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Integer in [min, max]. */
  int(min: number, max: number): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  /** The four state words, to serialize. */
  state(): [number, number, number, number];
}

/** Creates a {@link Prng} from saved generator state (or a seed via {@link seedState}). */
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

const u32 = (s: Uint32Array, i: number): number => s[i] as number;

/**
 * One step of sfc32 (small fast counting generator, period ≥ 2^32) on the four state words
 * `s[o … o+3]`: advances them and returns the output word (uint32). The one implementation
 * of the algorithm: {@link Sfc32} runs it on its own four words, an owner of many generators
 * (a forest: one per tree, per key) on one array holding all their states — no object per
 * generator. Stores into the `Uint32Array` wrap modulo 2^32.
 */
export function sfc32Word(s: Uint32Array, o: number): number {
  const a = u32(s, o);
  const b = u32(s, o + 1);
  const c = u32(s, o + 2);
  const d = u32(s, o + 3);
  const t = (a + b + d) >>> 0;
  s[o + 3] = d + 1;
  s[o] = b ^ (b >>> 9);
  s[o + 1] = c + (c << 3);
  s[o + 2] = ((c << 21) | (c >>> 11)) + t;
  return t;
}

/** Uniform in [0, 1) from the generator whose state words are `s[o … o+3]`. */
export const sfc32Next = (s: Uint32Array, o: number): number => sfc32Word(s, o) / TWO_32;

/** Uniform in (0, 1) from the generator at `s[o … o+3]`: safe for `log(u)`. */
export const sfc32NextOpen = (s: Uint32Array, o: number): number =>
  (sfc32Word(s, o) + 0.5) / TWO_32;

/**
 * The generator {@link sfc32Word} as a class — its state in four words and its methods on
 * the prototype. Call its methods on it (`g.next()`); {@link sfc32} gives the same draws as
 * detachable functions.
 */
export class Sfc32 implements Prng {
  private readonly s = new Uint32Array(4);

  constructor(state: readonly number[]) {
    this.s[0] = state[0] ?? 0;
    this.s[1] = state[1] ?? 0;
    this.s[2] = state[2] ?? 0;
    this.s[3] = state[3] ?? 1;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return sfc32Next(this.s, 0);
  }

  /** Uniform in (0, 1): safe for `log(u)`. */
  nextOpen(): number {
    return sfc32NextOpen(this.s, 0);
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    return Math.sqrt(-2 * Math.log(this.nextOpen())) * Math.cos(2 * Math.PI * this.next());
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** The four state words (uint32), to serialize. */
  state(): [number, number, number, number] {
    const s = this.s;
    return [u32(s, 0), u32(s, 1), u32(s, 2), u32(s, 3)];
  }
}

/** {@link Sfc32} objects ({@link PrngFactory}). */
export const sfc32Class: PrngFactory = (state) => new Sfc32(state);

/** The generator {@link Sfc32} as detachable functions (`Array.from({ length }, g.next)`). */
export const sfc32: PrngFactory = (state) => {
  const g = new Sfc32(state);
  return {
    next: () => g.next(),
    nextOpen: () => g.nextOpen(),
    normal: () => g.normal(),
    int: (min, max) => g.int(min, max),
    between: (min, max) => g.between(min, max),
    state: () => g.state(),
  };
};

/**
 * A generator seeded with `seed`.
 * @example `const rng = prng(seedOf('device-7')); rng.between(18, 24)`
 */
export function prng(seed: number): Prng {
  return sfc32(seedState(seed));
}

/** Hashes a string (FNV-1a, 32-bit) to a seed, to derive independent streams by name. */
export function seedOf(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
