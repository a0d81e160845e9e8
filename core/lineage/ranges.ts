/**
 * @module core/lineage/ranges
 * Internal helpers of the position sets: flat range lists `[f0, t0, f1, t1, …]` (sorted,
 * disjoint, non-adjacent, inclusive) and a one-entry map for the one-shard case. Not part of
 * the public API.
 */

export function checkOrdinal(ordinal: number): void {
  if (!Number.isSafeInteger(ordinal) || ordinal < 0) {
    throw new RangeError(`ordinal must be a non-negative safe integer, got ${ordinal}`);
  }
}

/** Merges two valid flat range lists into a new valid one (coalescing overlaps and neighbours). */
export function mergeRanges(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let from: number;
    let to: number;
    if (j >= b.length || (i < a.length && (a[i] as number) <= (b[j] as number))) {
      from = a[i] as number;
      to = a[i + 1] as number;
      i += 2;
    } else {
      from = b[j] as number;
      to = b[j + 1] as number;
      j += 2;
    }
    const n = out.length;
    if (n > 0 && from <= (out[n - 1] as number) + 1) {
      if (to > (out[n - 1] as number)) out[n - 1] = to;
    } else {
      out.push(from, to);
    }
  }
  return out;
}

/** Inserts one ordinal into a valid flat range list in place; fast when appending in order. */
export function insertOrdinal(list: number[], ordinal: number): void {
  const n = list.length;
  if (n === 0) {
    list.push(ordinal, ordinal);
    return;
  }
  const lastTo = list[n - 1] as number;
  if (ordinal === lastTo + 1) {
    list[n - 1] = ordinal;
    return;
  }
  if (ordinal > lastTo + 1) {
    list.push(ordinal, ordinal);
    return;
  }
  const merged = mergeRanges(list, [ordinal, ordinal]);
  list.length = 0;
  for (const x of merged) list.push(x);
}

/** A read-only one-entry map: the common case (one shard) without a hash table. */
export class OneShard implements ReadonlyMap<string, readonly number[]> {
  constructor(
    /** The one key (read directly by hot paths to skip the generator-based iteration). */
    readonly shardId: string,
    /** Its range list. */
    readonly list: readonly number[],
  ) {}
  get size(): number {
    return 1;
  }
  get(key: string): readonly number[] | undefined {
    return key === this.shardId ? this.list : undefined;
  }
  has(key: string): boolean {
    return key === this.shardId;
  }
  forEach(
    fn: (
      value: readonly number[],
      key: string,
      map: ReadonlyMap<string, readonly number[]>,
    ) => void,
  ): void {
    fn(this.list, this.shardId, this);
  }
  *entries(): MapIterator<[string, readonly number[]]> {
    yield [this.shardId, this.list];
  }
  *keys(): MapIterator<string> {
    yield this.shardId;
  }
  *values(): MapIterator<readonly number[]> {
    yield this.list;
  }
  [Symbol.iterator](): MapIterator<[string, readonly number[]]> {
    return this.entries();
  }
}
