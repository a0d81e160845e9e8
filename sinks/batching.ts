/**
 * @module sinks/batching
 * Splits items into request-sized groups by count and bytes, in order, and sets aside
 * items that can never fit. Pure. Invariant: every input item is in exactly one group or
 * in `oversized`, and order is kept within groups.
 */

/** Limits of one request. */
export interface BatchLimits {
  readonly maxCount: number;
  readonly maxBytes: number;
  /** Largest single item. */
  readonly maxItemBytes: number;
}

/** Groups and the items larger than `maxItemBytes`. */
export interface Batches<T> {
  readonly groups: T[][];
  readonly oversized: T[];
}

/** Packs `items` greedily into groups within `limits`; `sizeOf` gives an item's bytes. */
export function packBatches<T>(
  items: readonly T[],
  sizeOf: (item: T) => number,
  limits: BatchLimits,
): Batches<T> {
  const groups: T[][] = [];
  const oversized: T[] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (size > limits.maxItemBytes) {
      oversized.push(item);
      continue;
    }
    if (
      current.length >= limits.maxCount ||
      (current.length > 0 && bytes + size > limits.maxBytes)
    ) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) groups.push(current);
  return { groups, oversized };
}
