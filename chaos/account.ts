/**
 * @module chaos/account
 * The chaos suite's ledger, pure: given every record put (shard, sequence number, identity),
 * every copy of every result the sinks made durable (score lines in the lake with the time
 * they arrived, dead letters with their reason) and the final lease checkpoints, it says for
 * each record whether it is durable, lost (not durable although its shard's checkpoint passed
 * it and a later record of its key is durable — an at-least-once violation) or unprocessed
 * (not durable, and not checkpointed or possibly still in an open window of state), and
 * where every duplicate came from (the latest fault touching its shard before the copy).
 */
import { identity, windowStartOf, type Malformation } from './workload.js';

/** A record the suite put, with where Kinesis put it. */
export interface SentRecord {
  readonly key: string;
  readonly minute: number;
  readonly shardId: string;
  readonly sequenceNumber: string;
  /** When PutRecords answered (epoch ms). */
  readonly putAt: number;
  readonly malformed?: Malformation;
}

/** One score line found in the lake. */
export interface ScoreCopy {
  readonly key: string;
  readonly windowStart: string;
  readonly imputed: boolean;
  /** `embedded`, `remote` or `fallback`. */
  readonly source?: string;
  /** Arrival time of the lake object holding it (epoch ms). */
  readonly writtenAt: number;
}

/** One dead-letter line found in the lake. */
export interface DeadLetterCopy {
  /** `key@minute` of the record it stands for, when recognisable. */
  readonly identity?: string;
  readonly reason: string;
  /** The dead letter's explanation (first 200 characters). */
  readonly detail?: string;
  readonly writtenAt: number;
}

/** Something that happened during the run, for attributing duplicates. */
export interface TimelineEvent {
  readonly at: number;
  /** Until when it lasted (outages); default `at`. */
  readonly until?: number;
  readonly label: string;
  /** Shards it touched; empty = all. */
  readonly shards: readonly string[];
}

/** Input of {@link account}. */
export interface AccountInput {
  readonly sent: readonly SentRecord[];
  readonly scores: readonly ScoreCopy[];
  readonly deadLetters: readonly DeadLetterCopy[];
  /** Final lease checkpoint per shard (`SHARD_END`, a sequence number, `TRIM_HORIZON` …). */
  readonly checkpoints: Readonly<Record<string, string>>;
  readonly events: readonly TimelineEvent[];
}

/** What {@link account} finds. */
export interface Accounting {
  readonly sent: number;
  readonly malformed: number;
  readonly durable: number;
  /** Identities of lost records (checkpoint passed, nothing durable). */
  readonly lost: readonly string[];
  /**
   * Identities of records not durable at the end: not checkpointed, or checkpointed with no
   * later record of their key durable either (they may sit in an open window of a state
   * snapshot — not lost, but not processed).
   */
  readonly unprocessed: readonly string[];
  /** How many of {@link unprocessed} were checkpointed (held in state, if anywhere). */
  readonly unprocessedCheckpointed: number;
  /** Unprocessed records per shard. */
  readonly unprocessedByShard: Readonly<Record<string, number>>;
  /** Extra copies of score lines and dead letters. */
  readonly duplicates: number;
  /** Extra copies by cause (event label or `unattributed`). */
  readonly duplicatesByCause: Readonly<Record<string, number>>;
  /** Dead letters by reason: distinct records and lines. */
  readonly deadLetters: Readonly<Record<string, { records: number; lines: number }>>;
  /** Dead letters of records put valid (late, unscorable …), by reason. */
  readonly validDeadLettered: Readonly<Record<string, number>>;
  /** Malformed records whose dead letter names a different reason than expected. */
  readonly wrongReason: number;
  /** First time each record was durable, by identity. */
  readonly firstDurableAt: ReadonlyMap<string, number>;
}

/** Whether a final checkpoint has passed a sequence number. */
export function checkpointPassed(checkpoint: string | undefined, sequenceNumber: string): boolean {
  if (checkpoint === 'SHARD_END') return true;
  if (!checkpoint || !/^\d+$/.test(checkpoint)) return false;
  return BigInt(sequenceNumber) <= BigInt(checkpoint);
}

/**
 * The cause of a copy written at `at` of a record put at `since` on `shardId`: the latest
 * event on that shard (kill of its owner, reshard, lease move) between the put and this copy;
 * else the latest run-wide event (outage, stop) overlapping that span. (Since the put, not
 * since the first copy: an outage can delay the first copy past the event that causes the
 * second.)
 */
export function causeOf(
  events: readonly TimelineEvent[],
  shardId: string | undefined,
  since: number,
  at: number,
): string {
  let local: TimelineEvent | undefined;
  let global: TimelineEvent | undefined;
  for (const e of events) {
    if (e.at > at + 1_000 || (e.until ?? e.at) < since - 1_000) continue;
    if (e.shards.length === 0) {
      if (!global || e.at > global.at) global = e;
    } else if (shardId !== undefined && e.shards.includes(shardId)) {
      if (!local || e.at > local.at) local = e;
    }
  }
  return (local ?? global)?.label ?? 'unattributed';
}

const bump = (m: Record<string, number>, k: string, by = 1) => (m[k] = (m[k] ?? 0) + by);

/** Accounts for every record; see the module doc. */
export function account(input: AccountInput): Accounting {
  const { sent, scores, deadLetters, checkpoints, events } = input;
  const shardOfId = new Map(sent.map((r) => [identity(r.key, r.minute), r.shardId]));
  const putAtOf = new Map(sent.map((r) => [identity(r.key, r.minute), r.putAt]));
  const first = new Map<string, number>();
  const seen = (id: string, at: number) => {
    const prev = first.get(id);
    if (prev === undefined || at < prev) first.set(id, at);
  };
  // score lines: non-imputed ones prove their window's record; extra copies are duplicates
  const byWindow = new Map<string, ScoreCopy[]>();
  for (const s of scores) {
    const w = `${s.key}#${s.windowStart}`;
    const list = byWindow.get(w) ?? [];
    list.push(s);
    byWindow.set(w, list);
  }
  const minuteByStart = new Map(sent.map((r) => [windowStartOf(r.minute), r.minute]));
  const duplicatesByCause: Record<string, number> = {};
  let duplicates = 0;
  const countCopies = (copies: readonly { writtenAt: number }[], id: string | undefined) => {
    const sorted = [...copies].sort((a, b) => a.writtenAt - b.writtenAt);
    const since = (id ? putAtOf.get(id) : undefined) ?? (sorted[0]?.writtenAt ?? 0) - 5_000;
    const shardId = id ? shardOfId.get(id) : undefined;
    for (const c of sorted.slice(1)) {
      duplicates += 1;
      bump(duplicatesByCause, causeOf(events, shardId, since, c.writtenAt));
    }
  };
  for (const copies of byWindow.values()) {
    const c0 = copies[0] as ScoreCopy;
    const minute = minuteByStart.get(c0.windowStart);
    const id = minute === undefined ? undefined : identity(c0.key, minute);
    for (const c of copies) if (id && !c.imputed) seen(id, c.writtenAt);
    countCopies(copies, id);
  }
  // dead letters
  const dead: Record<string, { records: number; lines: number }> = {};
  const deadById = new Map<string, DeadLetterCopy[]>();
  for (const d of deadLetters) {
    const entry = (dead[d.reason] ??= { records: 0, lines: 0 });
    entry.lines += 1;
    if (!d.identity) {
      entry.records += 1;
      continue;
    }
    const list = deadById.get(d.identity) ?? [];
    if (!list.some((x) => x.reason === d.reason)) entry.records += 1;
    list.push(d);
    deadById.set(d.identity, list);
    seen(d.identity, d.writtenAt);
  }
  for (const [id, copies] of deadById) countCopies(copies, id);
  // every record: durable, lost or unprocessed
  const lastDurable = new Map<string, number>();
  for (const r of sent)
    if (first.has(identity(r.key, r.minute)) && r.minute > (lastDurable.get(r.key) ?? -1))
      lastDurable.set(r.key, r.minute);
  const lost: string[] = [];
  const unprocessed: string[] = [];
  let unprocessedCheckpointed = 0;
  const unprocessedByShard: Record<string, number> = {};
  const validDeadLettered: Record<string, number> = {};
  let wrongReason = 0;
  let malformed = 0;
  for (const r of sent) {
    const id = identity(r.key, r.minute);
    const letters = deadById.get(id) ?? [];
    if (r.malformed) {
      malformed += 1;
      if (letters.length > 0 && !letters.some((d) => d.reason === r.malformed)) wrongReason += 1;
    } else for (const d of letters) bump(validDeadLettered, d.reason);
    if (first.has(id)) continue;
    const passed = checkpointPassed(checkpoints[r.shardId], r.sequenceNumber);
    // a later record of the key is durable, so this one's window fired: it was dropped
    if (passed && r.minute < (lastDurable.get(r.key) ?? -1)) lost.push(id);
    else {
      unprocessed.push(id);
      if (passed) unprocessedCheckpointed += 1;
      bump(unprocessedByShard, r.shardId);
    }
  }
  return {
    sent: sent.length,
    malformed,
    durable: sent.length - lost.length - unprocessed.length,
    lost,
    unprocessed,
    unprocessedCheckpointed,
    unprocessedByShard,
    duplicates,
    duplicatesByCause,
    deadLetters: dead,
    validDeadLettered,
    wrongReason,
    firstDurableAt: first,
  };
}
