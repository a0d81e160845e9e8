/**
 * @module pipelines/runtime/restore-state
 * Restores the keyed state a shard session starts from: the shard's own snapshot (named by
 * its lease's `stateRef`), or — for a child shard not yet started (checkpoint still a
 * sentinel) — its parents' final snapshots filtered to its hash key range, or nothing.
 * A snapshot this version cannot read starts the shard empty (reported) or fails it. The
 * parents' objects only this shard needed (a merge, or a lone child) are returned so the
 * runner can delete them after its first own commit.
 */
import { isSentinel, type ShardSession } from '../../consumers/index.js';
import { retry } from '../../core/index.js';
import {
  SnapshotVersionError,
  inRange,
  readSnapshotChain,
  type IncrementalSnapshots,
  type SnapshotStore,
} from '../state/index.js';

/** Where a shard's starting state came from. */
export type RestoredFrom = 'own' | 'parents' | 'nothing';

/** Inputs of {@link restoreShardState}. */
export interface RestoreInput {
  readonly session: ShardSession;
  readonly store: SnapshotStore;
  /** Receives the restored keys (and, for the shard's own chain, adopts its objects). */
  readonly snapshots: IncrementalSnapshots;
  /** A snapshot this version cannot read: start with empty state or fail the shard. */
  readonly onUnreadableSnapshot: 'start-empty' | 'fail';
  /** False once the runner stopped: reads of the store stop retrying. */
  readonly alive: () => boolean;
  /** An unreadable snapshot was skipped (`start-empty`). */
  readonly onDiscarded: (error: unknown) => void;
}

/** What {@link restoreShardState} restored from. */
export interface Restored {
  readonly from: RestoredFrom;
  /** Objects of parents whose sole child this shard is: to delete after its first commit. */
  readonly parentObjects: readonly string[];
}

/**
 * Loads a session's starting state into `snapshots` (see module doc).
 * @example `const { from } = await restoreShardState({ session, store, snapshots, onUnreadableSnapshot: 'fail', alive, onDiscarded })`
 */
export async function restoreShardState(input: RestoreInput): Promise<Restored> {
  const { session, store, snapshots, onUnreadableSnapshot, alive, onDiscarded } = input;
  const { lease, shardId } = session;
  let sources: { ref: string; keep?: (key: string) => boolean; soleChild?: boolean }[] = [];
  let from: RestoredFrom = 'nothing';
  if (lease.stateRef) {
    sources = [{ ref: lease.stateRef }];
    from = 'own';
  } else if (lease.parentShardIds.length > 0 && isSentinel(lease.checkpoint.sequenceNumber)) {
    const keep = inRange(lease.hashKeyRange);
    const parents = await session.parentLeases();
    // a parent whose only child is this shard (a merge, or a lone child) is needed by no
    // one once this shard committed; a split parent's object is shared with the sibling
    const sole = (p: { childShardIds: readonly string[] }) =>
      p.childShardIds.length === 1 && p.childShardIds[0] === shardId;
    sources = parents.flatMap((p) =>
      p.stateRef ? [{ ref: p.stateRef, keep, soleChild: sole(p) }] : [],
    );
    if (sources.length > 0) from = 'parents';
  }
  const get = (ref: string) => retry(() => store.get(ref), { retries: 8, shouldRetry: alive });
  const parentObjects: string[] = [];
  for (const { ref, keep, soleChild } of sources) {
    try {
      // the object and, for a delta, the chain it builds on
      const chain = await readSnapshotChain(get, ref);
      snapshots.restore(chain.states, keep);
      if (from === 'own') snapshots.adopt(chain.refs, chain.bytes);
      if (soleChild) parentObjects.push(...chain.refs, ...chain.superseded);
    } catch (error) {
      if (!(error instanceof SnapshotVersionError) || onUnreadableSnapshot === 'fail') throw error;
      onDiscarded(error);
    }
  }
  return { from, parentObjects };
}
