/**
 * @module bench/forecast-report
 * The tables of `npm run bench:forecast` for one held-out range (every model's MAE at a few
 * horizons, then every horizon of the selection against persistence) and the bar
 * (every horizon ≤ persistence, the mean over horizons ≥ 5 % better), also for ranges pooled.
 */

/** One model's MAE per step ahead on a held-out range. */
export interface ModelMae {
  readonly name: string;
  readonly mae: number[];
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(4));
const mean = (xs: readonly number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;

/** The selection against persistence as the bar reads it: mean ratio and worst horizon. */
function versusPersistence(base: readonly number[], selection: readonly number[]) {
  return {
    ratio: mean(selection) / mean(base),
    worst: Math.max(...selection.map((v, h) => v / (base[h] as number))),
  };
}

/**
 * Prints the model table (ratios ÷ the first row, persistence, and ÷ the second) and the
 * per-horizon table of `against` (a learned model) and the selection (the last row).
 */
export function printRange(title: string, results: readonly ModelMae[], against: number): void {
  const base = results[0]?.mae as number[];
  const ma = results[1]?.mae as number[];
  const other = results[against] as ModelMae;
  const selection = results[results.length - 1]?.mae as number[];
  console.log(`\n${title}`);
  const header = ['model', 'h=1', 'h=5', 'h=10', 'h=15', 'mean 1–15', '÷ last value'];
  console.log(`| ${header.join(' | ')} | ÷ ${results[1]?.name ?? ''} |`);
  console.log(`|${header.map(() => '---').join('|')}|---|`);
  for (const r of results) {
    const m = mean(r.mae);
    const cells = [0, 4, 9, 14].map((h) => fmt(r.mae[h] as number));
    console.log(
      `| ${[r.name, ...cells, fmt(m), (m / mean(base)).toFixed(3), (m / mean(ma)).toFixed(3)].join(' | ')} |`,
    );
  }
  console.log(`\nevery horizon (MAE; ratios ÷ last value):`);
  console.log(`| h | last value | ${other.name} | selection | ÷ | selection ÷ |`);
  console.log('|---|---|---|---|---|---|');
  for (let h = 0; h < base.length; h += 1) {
    const b = base[h] as number;
    const o = other.mae[h] as number;
    const s = selection[h] as number;
    console.log(
      `| ${h + 1} | ${fmt(b)} | ${fmt(o)} | ${fmt(s)} | ${(o / b).toFixed(3)} | ${(s / b).toFixed(4)} |`,
    );
  }
  const { ratio, worst } = versusPersistence(base, selection);
  console.log(
    `| mean | ${fmt(mean(base))} | ${fmt(mean(other.mae))} | ${fmt(mean(selection))} | ${(mean(other.mae) / mean(base)).toFixed(3)} | **${ratio.toFixed(3)}** (worst horizon ${worst.toFixed(4)}) |`,
  );
}

/** Prints whether the selection meets the bar against persistence; returns it. */
export function printBar(
  name: string,
  base: readonly number[],
  selection: readonly number[],
): boolean {
  const { ratio, worst } = versusPersistence(base, selection);
  const met = worst <= 1 && ratio <= 0.95;
  console.log(
    `${name}: selection ÷ last value ${ratio.toFixed(3)}, worst horizon ${worst.toFixed(4)}; the issue's bar (every horizon ≤ last value, mean ≥ 5 % better) ${met ? 'met' : 'not met'}`,
  );
  return met;
}

/** MAE per horizon accumulated over several held-out ranges, weighted by their windows. */
export class PooledMae {
  private readonly sums = new Map<string, number[]>();
  private windows = 0;

  /** Adds one range's MAE per horizon of each named model over `windows` windows. */
  add(windows: number, maes: Record<string, readonly number[]>): void {
    this.windows += windows;
    for (const [name, mae] of Object.entries(maes)) {
      const s = this.sums.get(name) ?? new Array<number>(mae.length).fill(0);
      mae.forEach((v, h) => (s[h] = (s[h] as number) + v * windows));
      this.sums.set(name, s);
    }
  }

  /** The pooled MAE per horizon of a model (over every window of every range added). */
  mae(name: string): number[] {
    return (this.sums.get(name) ?? []).map((s) => s / Math.max(1, this.windows));
  }
}
