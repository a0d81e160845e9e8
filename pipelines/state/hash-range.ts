/**
 * @module pipelines/state/hash-range
 * Which keys of a parent's snapshot a child shard keeps: a key's 128-bit hash (MD5 of the
 * partition key, as Kinesis places records — the producers' `hashKeyOf`) must fall in the
 * child's hash key range; a merged child's range is the union of its parents', so it keeps
 * every key. State keys are partition keys (`readingKey`), so state lands where its
 * records are read.
 */
import { hashKeyOf } from '../../producers/index.js';

/** A shard's hash key range, as the lease stores it (decimal strings, inclusive). */
export interface HashKeyRange {
  readonly startingHashKey: string;
  readonly endingHashKey: string;
}

/** True if `key`'s partition-key hash lies in `range` (every key when `range` is absent). */
export function keyInRange(key: string, range: HashKeyRange | undefined): boolean {
  if (!range) return true;
  const h = hashKeyOf({ partitionKey: key });
  return h >= BigInt(range.startingHashKey) && h <= BigInt(range.endingHashKey);
}

/** A filter for {@link KeyedStateBackend.restore} keeping the keys of `range`. */
export function inRange(range: HashKeyRange | undefined): (key: string) => boolean {
  return (key) => keyInRange(key, range);
}
