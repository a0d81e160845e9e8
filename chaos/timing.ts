/**
 * @module chaos/timing
 * The chaos suite's time figures, pure: how long children waited after their parents' last
 * record, how long the pipeline took to catch up after each fault, how many records a
 * SIGKILL made the next owner read again, and which windows lack forecasts.
 */
import { checkpointPassed, type ScoreCopy, type SentRecord } from './account.js';
import { identity } from './workload.js';

/** A SplitShard or MergeShards the suite made. */
export interface Reshard {
  readonly kind: 'split' | 'merge';
  readonly at: number;
  readonly parents: readonly string[];
  readonly children: readonly string[];
}

/** How a child shard started. */
export interface ChildStart {
  readonly kind: Reshard['kind'];
  readonly child: string;
  readonly parents: readonly string[];
  /** When the last record put into a parent was answered. */
  readonly parentsLastPutAt?: number;
  /** When the lease table first showed every parent at SHARD_END. */
  readonly parentsEndAt?: number;
  /** When a worker's metrics first showed a record read from the child. */
  readonly firstReadAt?: number;
  /** When the first record of the child was durable. */
  readonly firstDurableAt?: number;
}

/** Child starts of the reshards, from put times, SHARD_END times, first reads and durability. */
export function childStarts(
  reshards: readonly Reshard[],
  sent: readonly SentRecord[],
  shardEndAt: Readonly<Record<string, number>>,
  firstReadAt: Readonly<Record<string, number>>,
  firstDurableAt: ReadonlyMap<string, number>,
): ChildStart[] {
  const out: ChildStart[] = [];
  for (const r of reshards) {
    const lastPut = Math.max(
      ...sent.filter((s) => r.parents.includes(s.shardId)).map((s) => s.putAt),
    );
    const ends = r.parents.map((p) => shardEndAt[p]);
    for (const child of r.children) {
      const durable = sent
        .filter((s) => s.shardId === child)
        .map((s) => firstDurableAt.get(identity(s.key, s.minute)))
        .filter((t): t is number => t !== undefined);
      out.push({
        kind: r.kind,
        child,
        parents: r.parents,
        ...(Number.isFinite(lastPut) ? { parentsLastPutAt: lastPut } : {}),
        ...(ends.every((t) => t !== undefined) ? { parentsEndAt: Math.max(...ends) } : {}),
        ...(firstReadAt[child] !== undefined ? { firstReadAt: firstReadAt[child] } : {}),
        ...(durable.length > 0 ? { firstDurableAt: Math.min(...durable) } : {}),
      });
    }
  }
  return out;
}

/** Catch-up after a fault: how long, and how many records of the backlog never became durable. */
export interface CatchUp {
  /** Latest first-durable time of the backlog records that became durable, minus the moment. */
  readonly ms: number;
  /** Backlog records that never became durable (they do not count in `ms`). */
  readonly never: number;
}

/**
 * Catch-up after a moment `at` (a fault's end): the backlog is every record put up to
 * `at + graceMs` whose window could fire (its minute is before the last minute put by then);
 * the answer is when the last of them became durable (≥ 0 after `at`), and how many never did.
 */
export function catchUp(
  sent: readonly SentRecord[],
  firstDurableAt: ReadonlyMap<string, number>,
  at: number,
  graceMs = 5_000,
): CatchUp {
  const put = sent.filter((s) => s.putAt <= at + graceMs);
  if (put.length === 0) return { ms: 0, never: 0 };
  const lastMinute = Math.max(...put.map((s) => s.minute));
  let latest = at;
  let never = 0;
  for (const s of put) {
    if (s.minute >= lastMinute) continue;
    const t = firstDurableAt.get(identity(s.key, s.minute));
    if (t === undefined) never += 1;
    else latest = Math.max(latest, t);
  }
  return { ms: latest - at, never };
}

/**
 * Records a new owner must read again after a SIGKILL at `at`: those of the victim's shards
 * put before the kill and beyond the shard's checkpoint at that moment.
 */
export function rereadAfterKill(
  sent: readonly SentRecord[],
  shards: readonly string[],
  checkpoints: Readonly<Record<string, string>>,
  at: number,
): number {
  return sent.filter(
    (s) =>
      shards.includes(s.shardId) &&
      s.putAt <= at &&
      !checkpointPassed(checkpoints[s.shardId], s.sequenceNumber),
  ).length;
}

/** Records put into `shards` during the `intervalMs` before `at` (one checkpoint interval's worth). */
export function putDuring(
  sent: readonly SentRecord[],
  shards: readonly string[],
  at: number,
  intervalMs: number,
): number {
  return sent.filter(
    (s) => shards.includes(s.shardId) && s.putAt <= at && s.putAt > at - intervalMs,
  ).length;
}

/**
 * Windows without forecasts: per key, every scored window after the key's first forecast
 * whose start is not the origin of a prediction row (`predictionOrigins` holds
 * `key|windowStart`).
 */
export function missingForecasts(
  scores: readonly ScoreCopy[],
  predictionOrigins: ReadonlySet<string>,
): { readonly windows: number; readonly keys: number } {
  const byKey = new Map<string, Set<string>>();
  for (const s of scores) {
    const set = byKey.get(s.key) ?? new Set<string>();
    set.add(s.windowStart);
    byKey.set(s.key, set);
  }
  let windows = 0;
  let keys = 0;
  for (const [key, starts] of byKey) {
    const sorted = [...starts].sort();
    const firstIndex = sorted.findIndex((w) => predictionOrigins.has(`${key}|${w}`));
    if (firstIndex < 0) continue;
    const missing = sorted.slice(firstIndex).filter((w) => !predictionOrigins.has(`${key}|${w}`));
    windows += missing.length;
    if (missing.length > 0) keys += 1;
  }
  return { windows, keys };
}
