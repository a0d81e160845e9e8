/**
 * @module bench/report
 * What the benches print around their figures: a Markdown table (pasted into BENCHMARKS.md as
 * is) and a one-line description of the machine the figures were measured on.
 */
import { cpus, loadavg } from 'node:os';

/** Which columns of a {@link table} hold figures, aligned right (`---:`); the others left. */
export interface TableOptions {
  readonly right?: (column: number) => boolean;
}

/** Figures in every column but the first (a row's name): the benches' usual layout. */
export const FIGURES: TableOptions = { right: (column) => column > 0 };

/** Prints a Markdown table with columns padded to their widest cell. */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  { right = () => false }: TableOptions = {},
): void {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    '| ' +
    cells
      .map((c, i) => (right(i) ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number)))
      .join(' | ') +
    ' |';
  const rule = (w: number, i: number) =>
    right(i) ? `${'-'.repeat(Math.max(1, w - 1))}:` : '-'.repeat(w);
  console.log(line(header));
  console.log('| ' + widths.map(rule).join(' | ') + ' |');
  for (const row of rows) console.log(line(row));
}

/** CPU model × count, Node version and the 1-minute load average (the machines are shared). */
export function machine(): string {
  const cpu = cpus();
  return `${cpu[0]?.model.trim() ?? '?'} × ${cpu.length}, node ${process.versions.node}, load ${loadavg()[0]?.toFixed(1)}`;
}
