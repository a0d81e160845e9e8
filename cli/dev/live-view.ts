/**
 * @module cli/dev/live-view
 * The live terminal view of `shardflow dev`: {@link renderView} turns one observation into
 * lines (pure: rates come from the previous frame and the time between), {@link createView}
 * prints them — on a TTY redrawn in place with ANSI (cursor home, clear), otherwise one
 * compact line every few seconds so CI logs stay readable.
 */
import type { Observation } from './observe.js';

/** What the view needs on top of the observation. */
export interface Frame {
  /** Milliseconds since dev started. */
  readonly elapsedMs: number;
  /** Records delivered by the producers so far / failed. */
  readonly produced: number;
  readonly failed: number;
  /** Simulated seconds per real second. */
  readonly speed: number;
  /** Injected anomalies (ground truth) so far. */
  readonly injected: number;
  readonly observation: Observation;
}

/** Rates between two frames (records/s in and out). */
export function rates(prev: Frame | undefined, now: Frame): { in: number; out: number } {
  if (!prev || now.elapsedMs <= prev.elapsedMs) return { in: 0, out: 0 };
  const s = (now.elapsedMs - prev.elapsedMs) / 1000;
  return {
    in: (now.produced - prev.produced) / s,
    out: (now.observation.consumed - prev.observation.consumed) / s,
  };
}

const short = (seq: string) => (/^\d{8,}$/.test(seq) ? `…${seq.slice(-6)}` : seq);
const num = (x: number | undefined, digits = 0) => (x === undefined ? '-' : x.toFixed(digits));
/** `moving-average-15 (72 %)`; the model alone on rows written before the weight was. */
const modelText = (model: string | undefined, weight: number | undefined) =>
  model === undefined
    ? '-'
    : weight === undefined
      ? model
      : `${model} (${Math.round(100 * weight)} %)`;

/** The full view (TTY). */
export function renderView(prev: Frame | undefined, f: Frame): string[] {
  const o = f.observation;
  const r = rates(prev, f);
  const lines = [
    `shardflow dev — ${(f.elapsedMs / 1000).toFixed(0)} s, simulated time ×${f.speed.toFixed(0)}   (Ctrl-C drains and stops)`,
    '',
    `records/s  in ${r.in.toFixed(0).padStart(6)}   out ${r.out.toFixed(0).padStart(6)}     ` +
      `total  produced ${f.produced}  consumed ${o.consumed}  failed puts ${f.failed}`,
    `results    durable ${o.itemsDurable}  not durable ${o.itemsFailed}     workers up ${o.workersUp}`,
    '',
    'shard                   owner           behind ms  unacked  checkpoint',
    ...o.shards.map(
      (s) =>
        `${s.shardId.padEnd(22)}  ${s.owner.padEnd(14)}  ${num(s.millisBehind).padStart(9)}  ` +
        `${num(s.unacked).padStart(7)}  ${short(s.checkpoint)}`,
    ),
    '',
    `anomaly events  found ${o.anomalyCount}   injected by the simulator ${f.injected}, of which found ${o.matched}` +
      (o.falseEvents === undefined ? '' : `   false events ${o.falseEvents}`),
    ...o.anomalies.map(
      (a) =>
        `  ${a.key.padEnd(18)} ${a.windowStart}${a.end ? ` → ${a.end.slice(11, 16)}` : ''}` +
        `${a.open ? ' (open)' : ''}  ${(a.kind ?? '').padEnd(7)} grade ${a.grade.toFixed(2)}` +
        `  score ${Number.isFinite(a.score) ? a.score.toFixed(2) : '-'}` +
        (a.measures?.length ? `  ${a.measures.join(', ')}` : ''),
    ),
    '',
    'forecasts  key                target time               ahead  predicted    actual  model',
    ...o.forecasts.map(
      (p) =>
        `           ${p.key.padEnd(18)} ${p.target.padEnd(24)}  ${String(p.minutesAhead).padStart(3)}m  ` +
        `${p.predicted.toFixed(2).padStart(9)}  ${num(p.actual, 2).padStart(8)}  ${modelText(p.model, p.weight)}`,
    ),
  ];
  return lines;
}

/** The compact one-line view (not a TTY). */
export function renderLine(prev: Frame | undefined, f: Frame): string {
  const o = f.observation;
  const r = rates(prev, f);
  const owners = o.shards.map((s) => `${s.shardId.slice(-3)}:${s.owner}/${num(s.millisBehind)}ms`);
  return (
    `${(f.elapsedMs / 1000).toFixed(0)}s in ${r.in.toFixed(0)}/s out ${r.out.toFixed(0)}/s ` +
    `produced ${f.produced} consumed ${o.consumed} results ${o.itemsDurable} ` +
    `anomalies ${o.anomalyCount} leases ${owners.join(' ') || '-'}`
  );
}

/** Prints frames: redraw in place on a TTY, else a line every `lineEveryMs`. */
export function createView(
  out: NodeJS.WriteStream = process.stdout,
  lineEveryMs = 5_000,
): { show(f: Frame): void; close(): void } {
  let prev: Frame | undefined;
  let lastLine: Frame | undefined;
  const tty = out.isTTY === true;
  if (tty) out.write('\x1b[?25l'); // hide the cursor while redrawing
  return {
    show(f) {
      if (tty) {
        out.write(`\x1b[H\x1b[2J${renderView(prev, f).join('\n')}\n`);
      } else if (!lastLine || f.elapsedMs - lastLine.elapsedMs >= lineEveryMs) {
        out.write(`[dev] ${renderLine(lastLine, f)}\n`);
        lastLine = f;
      }
      prev = f;
    },
    close() {
      if (tty) out.write('\x1b[?25h');
    },
  };
}
