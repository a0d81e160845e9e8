/**
 * @module consumers/shard-sync
 * Shard discovery (KCL `ShardSyncer`/`HierarchicalShardSyncer`): turns the stream's shard
 * list into lease-table changes. The plan is a pure function; {@link ShardSyncer} is the
 * thin adapter that runs ListShards and applies it. Invariants: a lease is created once
 * (conditional put); children start at `TRIM_HORIZON` so nothing after a split or merge is
 * skipped; with `LATEST` only open shards (and descendants of leased shards) get leases;
 * no lease is created for a shard whose descendants have leases (its lease was cleaned up).
 * Deletions, as the KCL's `LeaseCleanupManager`: a finished (`SHARD_END`) lease once every
 * child lease has started (checkpoint past `TRIM_HORIZON`/`AT_TIMESTAMP`) and no parent lease
 * is left; a lease of a shard no longer listed (past retention, deleted) only if it records
 * this worker's stream. Leases of other streams, KCL multi-stream leases and non-lease items
 * are never deleted (the refresher leaves them out).
 */
import {
  DescribeStreamSummaryCommand,
  ListShardsCommand,
  type ChildShard,
  type KinesisClient,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { isRetriableAwsError } from '../adapters/index.js';
import { retry } from '../core/index.js';
import { SENTINEL, isSentinel, isShardEnd, sentinel, type Lease } from './lease.js';
import type { LeaseRefresher } from './lease-refresher.js';
import { checkLeaseTable } from './lease-table-check.js';

/** Shard discovery is on a worker's start-up path: a throttle or 5xx is retried, never its end. */
const again = { shouldRetry: isRetriableAwsError };

/** Where a worker starts on a shard that has no checkpoint yet. */
export type InitialPosition =
  | { readonly type: 'TRIM_HORIZON' }
  | { readonly type: 'LATEST' }
  | { readonly type: 'AT_TIMESTAMP'; readonly timestamp: Date };

/** The changes to make to the lease table. */
export interface ShardSyncPlan {
  readonly create: readonly Lease[];
  /** Leases of shards no longer listed. */
  readonly remove: readonly string[];
  /** Finished leases to clean up (deleted only while still `SHARD_END`). */
  readonly finished: readonly string[];
}

/** A new, unowned lease for a shard. */
export function newLease(
  shard: Pick<Shard, 'ShardId' | 'ParentShardId' | 'AdjacentParentShardId' | 'HashKeyRange'>,
  checkpoint: Lease['checkpoint'],
): Lease {
  const parents = [shard.ParentShardId, shard.AdjacentParentShardId].filter(
    (p): p is string => typeof p === 'string' && p.length > 0,
  );
  return {
    leaseKey: shard.ShardId as string,
    leaseCounter: 0,
    checkpoint,
    ownerSwitchesSinceCheckpoint: 0,
    parentShardIds: parents.sort(),
    childShardIds: [],
    ...(shard.HashKeyRange?.StartingHashKey && shard.HashKeyRange.EndingHashKey
      ? {
          hashKeyRange: {
            startingHashKey: shard.HashKeyRange.StartingHashKey,
            endingHashKey: shard.HashKeyRange.EndingHashKey,
          },
        }
      : {}),
  };
}

/** Plans lease creation and removal from a full shard list. Pure. */
export function planShardSync(
  shards: readonly Shard[],
  leases: readonly Lease[],
  initial: InitialPosition,
): ShardSyncPlan {
  const leased = new Set(leases.map((l) => l.leaseKey));
  const listed = new Set(shards.map((s) => s.ShardId as string));
  const children = new Map<string, string[]>();
  for (const shard of shards) {
    for (const p of [shard.ParentShardId, shard.AdjacentParentShardId]) {
      if (p) children.set(p, [...(children.get(p) ?? []), shard.ShardId as string]);
    }
  }
  const leasedBelow = (id: string, depth = 0): boolean =>
    depth < 1_000 &&
    (children.get(id) ?? []).some((c) => leased.has(c) || leasedBelow(c, depth + 1));
  const create: Lease[] = [];
  const willHave = new Set(leased);
  // parents come before children in ListShards order; iterate until stable to be safe
  for (let changed = true; changed;) {
    changed = false;
    for (const shard of shards) {
      const id = shard.ShardId as string;
      if (willHave.has(id) || leasedBelow(id)) continue;
      const parents = [shard.ParentShardId, shard.AdjacentParentShardId].filter(
        (p): p is string => !!p && listed.has(p),
      );
      const leasedParent = parents.some((p) => willHave.has(p));
      const open = shard.SequenceNumberRange?.EndingSequenceNumber === undefined;
      let checkpoint: Lease['checkpoint'] | undefined;
      if (leasedParent) checkpoint = sentinel(SENTINEL.TRIM_HORIZON);
      else if (parents.length > 0 && initial.type === 'TRIM_HORIZON')
        continue; // parent first
      else if (initial.type === 'LATEST') checkpoint = open ? sentinel(SENTINEL.LATEST) : undefined;
      else checkpoint = sentinel(initial.type);
      if (!checkpoint) continue;
      create.push(newLease(shard, checkpoint));
      willHave.add(id);
      changed = true;
    }
  }
  const remove =
    shards.length === 0
      ? []
      : leases
          .filter((l) => l.streamArn !== undefined && !listed.has(l.leaseKey))
          .map((l) => l.leaseKey);
  const finished = finishedLeases(leases).filter((key) => !remove.includes(key));
  return { create, remove, finished };
}

/**
 * Finished leases the KCL's lease cleanup would delete: checkpoint `SHARD_END`, no parent
 * lease left, and every child (from `childShardIds`, else the leases naming it as parent)
 * has a lease that has started (a real checkpoint or `SHARD_END`). Pure.
 */
export function finishedLeases(leases: readonly Lease[]): string[] {
  const byKey = new Map(leases.map((l) => [l.leaseKey, l]));
  const started = (l: Lease | undefined) =>
    l !== undefined && (isShardEnd(l) || !isSentinel(l.checkpoint.sequenceNumber));
  return leases
    .filter((l) => {
      if (!isShardEnd(l) || l.parentShardIds.some((p) => byKey.has(p))) return false;
      const kids =
        l.childShardIds.length > 0
          ? l.childShardIds
          : leases.filter((c) => c.parentShardIds.includes(l.leaseKey)).map((c) => c.leaseKey);
      return kids.length > 0 && kids.every((k) => started(byKey.get(k)));
    })
    .map((l) => l.leaseKey);
}

/** True when every parent of `lease` is finished (checkpoint SHARD_END) or has no lease. */
export function parentsDone(lease: Lease, table: readonly Lease[]): boolean {
  return lease.parentShardIds.every((p) => {
    const parent = table.find((l) => l.leaseKey === p);
    return !parent || isShardEnd(parent);
  });
}

/**
 * Reads the stream's ARN and the whole lease table (a missing table is empty) and checks
 * that the table can serve the stream (`lease-table-check.ts`); returns the ARN. Throws a
 * one-line {@link LeaseTableMismatchError} otherwise — also usable as a CLI pre-flight.
 */
export async function verifyLeaseTable(
  kinesis: KinesisClient,
  refresher: LeaseRefresher,
  streamName: string,
  initialPosition: InitialPosition,
): Promise<string> {
  const summary = await retry(
    () => kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName })),
    again,
  );
  const streamArn = summary.StreamDescriptionSummary?.StreamARN ?? `stream/${streamName}`;
  const scan = await retry(() => refresher.scanTable(), again).catch((error: unknown) => {
    if ((error as { name?: unknown }).name === 'ResourceNotFoundException') {
      return { leases: [], others: [] };
    }
    throw error;
  });
  const hasStartTime = initialPosition.type === 'AT_TIMESTAMP';
  checkLeaseTable(scan, { tableName: refresher.table, streamName, streamArn, hasStartTime });
  return streamArn;
}

/** Options of {@link ShardSyncer}. */
export interface ShardSyncerOptions {
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  readonly refresher: LeaseRefresher;
  readonly initialPosition: InitialPosition;
}

/** Runs ListShards and applies the plan. */
export class ShardSyncer {
  constructor(private readonly options: ShardSyncerOptions) {}

  /** Every shard of the stream, across pages. */
  async listShards(): Promise<Shard[]> {
    const { kinesis, streamName } = this.options;
    const shards: Shard[] = [];
    let token: string | undefined;
    do {
      const request = token ? { NextToken: token } : { StreamName: streamName };
      const page = await retry(() => kinesis.send(new ListShardsCommand(request)), again);
      shards.push(...(page.Shards ?? []));
      token = page.NextToken;
    } while (token);
    return shards;
  }

  /**
   * Before the first sync: checks that the lease table can serve this stream (throws a
   * one-line {@link LeaseTableMismatchError} if not) and binds the refresher to its ARN.
   */
  async prepare(): Promise<void> {
    const { kinesis, streamName, refresher, initialPosition } = this.options;
    refresher.bindStream(await verifyLeaseTable(kinesis, refresher, streamName, initialPosition));
  }

  /**
   * One sync: creates missing leases, removes leases of vanished shards, cleans up finished
   * ones. Each call is retried on a throttle or 5xx (a worker's first sync must not wait a
   * sync period for its leases); the writes are conditional, so a repeated one is harmless.
   */
  async sync(): Promise<ShardSyncPlan> {
    const { refresher } = this.options;
    const [shards, leases] = await Promise.all([
      this.listShards(),
      retry(() => refresher.listLeases(), again),
    ]);
    const plan = planShardSync(shards, leases, this.options.initialPosition);
    for (const lease of plan.create)
      await retry(() => refresher.createLeaseIfNotExists(lease), again);
    for (const key of plan.remove) await retry(() => refresher.deleteLease(key), again);
    for (const key of plan.finished)
      await retry(() => refresher.deleteLease(key, { finishedOnly: true }), again);
    return plan;
  }

  /** Creates leases for children reported by GetRecords/SubscribeToShard at SHARD_END. */
  async createChildLeases(children: readonly ChildShard[]): Promise<void> {
    for (const child of children) {
      const [p1, p2] = [...(child.ParentShards ?? [])].sort();
      const lease = newLease(
        {
          ShardId: child.ShardId,
          ParentShardId: p1,
          AdjacentParentShardId: p2,
          HashKeyRange: child.HashKeyRange,
        },
        sentinel(SENTINEL.TRIM_HORIZON),
      );
      await retry(() => this.options.refresher.createLeaseIfNotExists(lease), again);
    }
  }
}
