/**
 * @module bench/profile-summary
 * `tsx bench/profile-summary.ts <file.cpuprofile> [top] [filter]`: self time by function and
 * by file/package of a V8 CPU profile (from `node --cpu-prof` or `BENCH_CPU_PROFILE`), to
 * see where a benchmark's per-record CPU goes without a browser.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const [file, topArg, filter] = process.argv.slice(2);
if (!file) throw new Error('usage: profile-summary <file.cpuprofile> [top] [filter]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const cf = nodes.get(id)!.callFrame;
  const where = cf.url
    .replace(/.*node_modules\//, '~/')
    .replace(/^file:\/\/.*?\/(?=[a-z-]+\/)/, '');
  const key = `${cf.functionName || '(anonymous)'} ${where}:${cf.lineNumber + 1}`;
  const t = profile.timeDeltas[i] ?? 0;
  self.set(key, (self.get(key) ?? 0) + t);
  total += t;
});
const idle = [...self].filter(([k]) => k.startsWith('(idle)')).reduce((a, [, t]) => a + t, 0);
const busy = total - idle;
const pct = (t: number) => `${((t / busy) * 100).toFixed(1).padStart(5)} %`;
const ms = (t: number) => `${(t / 1000).toFixed(1).padStart(8)} ms`;
console.log(
  `${file}: ${(total / 1000).toFixed(0)} ms sampled, ${(busy / 1000).toFixed(0)} ms busy`,
);
const top = [...self]
  .filter(([k]) => !k.startsWith('(idle)') && (!filter || k.includes(filter)))
  .sort((a, b) => b[1] - a[1])
  .slice(0, Number(topArg ?? 40));
for (const [k, t] of top) console.log(`${ms(t)} ${pct(t)}  ${k}`);
const byFile = new Map<string, number>();
for (const [k, t] of self) {
  if (k.startsWith('(idle)')) continue;
  const where = (k.split(' ')[1] ?? '?')
    .replace(/:\d+$/, '')
    .replace(/^~\/(@[^/]+\/[^/]+|[^/]+).*/, '~/$1');
  byFile.set(where, (byFile.get(where) ?? 0) + t);
}
console.log('--- self time by file / package');
for (const [k, t] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 25))
  console.log(`${ms(t)} ${pct(t)}  ${k}`);
