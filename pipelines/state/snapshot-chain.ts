/**
 * @module pipelines/state/snapshot-chain
 * Reading the state a lease names: the object itself and, for a delta, the objects of its
 * chain (fetched in parallel — at most `1 + maxDeltas` of them), each decoded with its
 * version check, then merged in order (`mergeChain`). A chain that does not start with a
 * full object, or whose objects belong to another shard, is a {@link SnapshotVersionError}
 * (unreadable, handled like any unreadable snapshot).
 */
import { mergeChain } from './incremental.js';
import type { StateSnapshot } from './keyed-state.js';
import { decodeSnapshot, SnapshotVersionError, type ShardSnapshot } from './snapshot-codec.js';

/** The state of a chain, with what is needed to continue it. */
export interface ChainState {
  readonly states: StateSnapshot;
  /** The chain's objects, full base first, ending with the named one. */
  readonly refs: readonly string[];
  /** Compressed bytes of each object, in `refs` order. */
  readonly bytes: readonly number[];
  /** A final object's superseded objects (see `ShardSnapshot.superseded`). */
  readonly superseded: readonly string[];
}

/**
 * Reads the state named by `ref` through `get` (the store's, with retries).
 * @example `const { states } = await readSnapshotChain((r) => store.get(r), lease.stateRef)`
 */
export async function readSnapshotChain(
  get: (ref: string) => Promise<Uint8Array>,
  ref: string,
): Promise<ChainState> {
  const headBytes = await get(ref);
  const head = decodeSnapshot(headBytes);
  const earlier = await Promise.all(head.chain.map(get));
  const docs: ShardSnapshot[] = [...earlier.map((b) => decodeSnapshot(b)), head];
  if (docs.some((d) => d.shardId !== head.shardId))
    throw new SnapshotVersionError(head.version, `snapshot chain of ${ref} mixes shards`);
  let states: StateSnapshot;
  try {
    states = mergeChain(docs);
  } catch (error) {
    throw new SnapshotVersionError(head.version, `snapshot chain of ${ref}: ${String(error)}`);
  }
  return {
    states,
    refs: [...head.chain, ref],
    bytes: [...earlier, headBytes].map((b) => b.byteLength),
    superseded: head.superseded ?? [],
  };
}
