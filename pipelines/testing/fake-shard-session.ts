/**
 * @module pipelines/testing/fake-shard-session
 * Test-only fixtures for driving `runPipeline` without a consumer: a shard session the test
 * feeds and ends by hand (recording every commit), the device readings it is fed, and a poll
 * until a condition holds. Shared by the shard-runner specs; not exported from
 * `pipelines/index.ts` and not built into the package.
 */
import { Subject } from 'rxjs';
import type {
  Lease,
  SessionCommit,
  SessionEndReason,
  ShardBatch,
  ShardSession,
} from '../../consumers/index.js';
import { PositionSet, type SourceRecord } from '../../core/index.js';
import { device, record } from '../../operators/testing/fixtures.js';

/** A shard session driven by the test (see {@link fakeShardSession}). */
export interface FakeShardSession {
  /** The session to hand to the runner (`sessions.next(f.session)`). */
  readonly session: ShardSession;
  /** Every commit the runner made, in order. */
  readonly commits: SessionCommit[];
  /** Delivers `records` as one batch of the shard. */
  readonly feed: (records: SourceRecord[]) => void;
  /** Ends the session; after `leaseLost` a commit throws, as a lost lease's does. */
  readonly end: (reason: SessionEndReason) => void;
}

/**
 * A session of shard `shardId` whose lease starts at TRIM_HORIZON (overridden by `lease`),
 * with `parents` as its parent leases; commits are recorded and accepted (`false` for the
 * final one, as a real session answers once the shard is done).
 */
export function fakeShardSession(
  shardId = 's',
  lease: Partial<Lease> = {},
  parents: Lease[] = [],
): FakeShardSession {
  const records = new Subject<ShardBatch>();
  const commits: SessionCommit[] = [];
  let end: (r: SessionEndReason) => void = () => {};
  const ended = new Promise<SessionEndReason>((r) => (end = r));
  let lost = false;
  const session: ShardSession = {
    shardId,
    lease: {
      leaseKey: shardId,
      leaseCounter: 1,
      checkpoint: { sequenceNumber: 'TRIM_HORIZON', subSequenceNumber: 0 },
      ownerSwitchesSinceCheckpoint: 0,
      parentShardIds: parents.map((p) => p.leaseKey),
      childShardIds: [],
      ...lease,
    },
    records,
    ended,
    parentLeases: async () => parents,
    commit: async (c) => {
      if (lost) throw new Error('lease lost');
      commits.push(c);
      return !c.final;
    },
  };
  return {
    session,
    commits,
    feed: (recs) => records.next({ shardId, records: recs, positions: PositionSet.empty }),
    end: (reason) => {
      lost = reason === 'leaseLost';
      records.complete();
      end(reason);
    },
  };
}

/**
 * Device readings of `keys` for minutes [from, to) in time order (one per key and minute, at
 * second 10, values varying by minute and key), ordinals from `ordinal`, on shard `shardId`.
 */
export function deviceMinutes(
  keys: readonly string[],
  from: number,
  to: number,
  ordinal = 0,
  shardId = 's',
): SourceRecord[] {
  const out: SourceRecord[] = [];
  for (let m = from; m < to; m++)
    for (const [i, k] of keys.entries())
      out.push(
        record(ordinal + out.length, device(k, m * 60 + 10, 50 + ((m * 7 + i) % 13)), shardId),
      );
  return out;
}

/** Polls `condition` every 5 ms until it holds; throws after `ms`. */
export async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const t = Date.now();
  while (!condition()) {
    if (Date.now() - t > ms) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}
