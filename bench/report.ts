/**
 * @module bench/report
 * What the benches print around their figures: a Markdown table (pasted into BENCHMARKS.md as
 * is) and a one-line description of the machine the figures were measured on.
 */
import { cpus, loadavg } from 'node:os';

/** Prints a Markdown table with columns padded to their widest cell. */
export function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    '| ' + cells.map((c, i) => c.padEnd(widths[i] as number)).join(' | ') + ' |';
  console.log(line(header));
  console.log('| ' + widths.map((w) => '-'.repeat(w)).join(' | ') + ' |');
  for (const row of rows) console.log(line(row));
}

/** CPU model × count, Node version and the 1-minute load average (the machines are shared). */
export function machine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model.trim() ?? '?'} × ${cpu.length}, node ${process.versions.node}, load ${loadavg()[0]?.toFixed(1)}`;
}
