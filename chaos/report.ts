/**
 * @module chaos/report
 * The chaos suite's result as data ({@link ChaosReport}, also written as JSON) and as the
 * table it prints, pure. The verdict: fail on any lost record, any unprocessed record, any
 * malformed record without its dead letter, or a run that hit its time bound.
 */
import type { Accounting } from './account.js';
import type { ChildStart } from './timing.js';

/** Everything a run measured. */
export interface ChaosReport {
  readonly scenarios: readonly string[];
  readonly startedAt: string;
  readonly seconds: number;
  readonly workload: {
    readonly devices: number;
    readonly households: number;
    readonly minutes: number;
    readonly workers: number;
    readonly shards: number;
  };
  readonly accounting: Omit<Accounting, 'firstDurableAt'>;
  /** Records read by all workers (metrics) against records put. */
  readonly reads: { readonly consumed: number; readonly sent: number };
  readonly kills: readonly {
    readonly label: string;
    readonly shards: readonly string[];
    readonly reread: number;
    /** Records put into the same shards during one checkpoint interval before the kill. */
    readonly perInterval: number;
  }[];
  /** The consumer's checkpoint interval the re-read is compared with. */
  readonly checkpointIntervalMs: number;
  readonly childStarts: readonly ChildStart[];
  /** Catch-up after each fault (`never`: backlog records that never became durable). */
  readonly recovery: readonly {
    readonly fault: string;
    readonly ms: number;
    readonly never: number;
  }[];
  /** The same measure at a fault-free moment, for comparison. */
  readonly baselineMs?: number;
  readonly missingForecasts: { readonly windows: number; readonly keys: number };
  /** Household score lines by scoring source (remote / fallback / embedded). */
  readonly scoreSources: Readonly<Record<string, number>>;
  readonly workers: readonly {
    readonly id: string;
    readonly exit: number | null;
    readonly killed: boolean;
  }[];
  readonly proxies: Readonly<Record<string, { requests: number; failed: number }>>;
  readonly timedOut: boolean;
}

/** Why a run fails (empty = pass). */
export function failures(r: ChaosReport): string[] {
  const out: string[] = [];
  const a = r.accounting;
  if (a.lost.length > 0) out.push(`${a.lost.length} records lost`);
  if (a.unprocessed.length > 0) out.push(`${a.unprocessed.length} records unprocessed at the end`);
  if (a.wrongReason > 0)
    out.push(`${a.wrongReason} malformed records dead-lettered with a wrong reason`);
  if (r.timedOut) out.push('the run hit its time bound');
  return out;
}

const s = (ms: number | undefined) => (ms === undefined ? 'never' : `${(ms / 1000).toFixed(1)} s`);
const rows = (pairs: [string, string | number][]) => {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n');
};

/** The printed table. */
export function formatReport(r: ChaosReport): string {
  const a = r.accounting;
  const first = (list: readonly string[]) =>
    list.length === 0 ? '' : ` (${list.slice(0, 5).join(', ')}${list.length > 5 ? ', …' : ''})`;
  const lines: string[] = [];
  lines.push(
    `chaos: ${r.scenarios.join(', ')} — ${r.workload.devices} devices + ${r.workload.households} households × ` +
      `${r.workload.minutes} min, ${r.workload.workers} workers, ${r.workload.shards} shards, ${r.seconds.toFixed(0)} s`,
  );
  lines.push('records');
  lines.push(
    rows([
      ['sent', `${a.sent} (${a.malformed} malformed)`],
      ['durable', a.durable],
      ['lost (must be 0)', `${a.lost.length}${first(a.lost)}`],
      ['unprocessed at the end (must be 0)', `${a.unprocessed.length}${first(a.unprocessed)}`],
      ['  of which checkpointed (held in state?)', a.unprocessedCheckpointed],
      ...Object.entries(a.unprocessedByShard).map(([k, v]): [string, number] => [
        `  unprocessed on ${k}`,
        v,
      ]),
      [
        'read by workers / sent',
        `${r.reads.consumed} / ${r.reads.sent} = ${(r.reads.consumed / Math.max(1, r.reads.sent)).toFixed(3)}×`,
      ],
      ['duplicate result lines', a.duplicates],
      ...Object.entries(a.duplicatesByCause)
        .sort((x, y) => y[1] - x[1])
        .map(([k, v]): [string, number] => [`  from ${k}`, v]),
    ]),
  );
  lines.push('dead letters (records / lines)');
  lines.push(
    rows([
      ...Object.entries(a.deadLetters).map(([k, v]): [string, string] => [
        k,
        `${v.records} / ${v.lines}`,
      ]),
      ...Object.entries(a.validDeadLettered).map(([k, v]): [string, number] => [
        `valid records dead-lettered as ${k}`,
        v,
      ]),
      ['malformed with a wrong reason', a.wrongReason],
    ]),
  );
  if (r.childStarts.length > 0) {
    lines.push(
      "children after their parents' last record (first read / first durable / parents SHARD_END)",
    );
    lines.push(
      rows(
        r.childStarts.map((c): [string, string] => {
          const from = c.parentsLastPutAt;
          const d = (t: number | undefined) =>
            from === undefined || t === undefined ? 'never' : s(t - from);
          return [
            `${c.kind} ${c.parents.join('+')} → ${c.child}`,
            `${d(c.firstReadAt)} / ${d(c.firstDurableAt)} / ${d(c.parentsEndAt)}`,
          ];
        }),
      ),
    );
  }
  lines.push(
    `recovery: results of everything put up to 5 s after the fault's end durable after (fault-free baseline ${s(r.baselineMs)})`,
  );
  lines.push(
    rows(
      r.recovery.map((x): [string, string] => [
        x.fault,
        `${s(x.ms)}${x.never > 0 ? ` (${x.never} of its backlog never durable)` : ''}`,
      ]),
    ),
  );
  if (r.kills.length > 0) {
    lines.push(
      "re-read after each SIGKILL: records past the victim's checkpoints (records put there in " +
        `one checkpoint interval, ${s(r.checkpointIntervalMs)})`,
    );
    lines.push(
      rows(
        r.kills.map((k): [string, string] => [
          k.label,
          `${k.reread} (${k.perInterval}) on ${k.shards.join(', ') || 'no shard'}`,
        ]),
      ),
    );
  }
  lines.push('other');
  lines.push(
    rows([
      [
        'windows without forecasts after warm-up',
        `${r.missingForecasts.windows} (${r.missingForecasts.keys} keys)`,
      ],
      [
        'household score sources',
        Object.entries(r.scoreSources)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ') || '-',
      ],
      [
        'workers exited 0 on the final SIGTERM',
        `${r.workers.filter((w) => !w.killed && w.exit === 0).length} / ${r.workers.filter((w) => !w.killed).length}`,
      ],
      [
        'AWS calls through the proxies (failed)',
        Object.entries(r.proxies)
          .map(([k, v]) => `${k} ${v.requests} (${v.failed})`)
          .join(', '),
      ],
    ]),
  );
  const why = failures(r);
  lines.push(why.length === 0 ? 'PASS' : `FAIL: ${why.join('; ')}`);
  return lines.join('\n');
}
