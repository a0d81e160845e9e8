/**
 * @module bench/rcf
 * `npm run bench:rcf`: points per second (score + update, single thread) and model size
 * of the streaming Random Cut Forest for 1-d input at shingle 1, 4 and 8 with 50 and 100
 * trees and a 10-dimensional case, side by side with the reference Java implementation's
 * bar on a 2-core machine (≈35,000 points/s at shingle 1, ≈20,000 at shingle 8 with 50
 * trees, ≈1.2 MB per 50-tree shingle-8 model). Model size is the bytes of the model's typed
 * arrays (node pools, reservoirs, point store), which hold all of its state. Bounded: a few
 * seconds per case.
 */
import os from 'node:os';
import { seedState, sfc32 } from '../core/index.js';
import { RandomCutForest } from '../models/index.js';

interface Case {
  name: string;
  dimensions: number;
  shingleSize: number;
  trees: number;
  javaPointsPerSec?: number;
  javaBytes?: number;
}

const CASES: Case[] = [
  {
    name: '1-d shingle 1, 50 trees',
    dimensions: 1,
    shingleSize: 1,
    trees: 50,
    javaPointsPerSec: 35_000,
  },
  { name: '1-d shingle 4, 50 trees', dimensions: 1, shingleSize: 4, trees: 50 },
  {
    name: '1-d shingle 8, 50 trees',
    dimensions: 1,
    shingleSize: 8,
    trees: 50,
    javaPointsPerSec: 20_000,
    javaBytes: 1.2e6,
  },
  { name: '1-d shingle 1, 100 trees', dimensions: 1, shingleSize: 1, trees: 100 },
  { name: '1-d shingle 4, 100 trees', dimensions: 1, shingleSize: 4, trees: 100 },
  { name: '1-d shingle 8, 100 trees', dimensions: 1, shingleSize: 8, trees: 100 },
  { name: '10-d shingle 1, 50 trees', dimensions: 10, shingleSize: 1, trees: 50 },
];

const WARMUP = 3_000;
const MEASURE = Number(process.env.RCF_BENCH_POINTS ?? 20_000);

function series(dimensions: number, n: number): Float64Array[] {
  const g = sfc32(seedState(1));
  return Array.from({ length: n }, (_, i) =>
    Float64Array.from(
      { length: dimensions },
      (_, k) => Math.sin((i + 7 * k) / 20) * 10 + g.next() + (g.next() < 0.001 ? 20 : 0),
    ),
  );
}

const rows: string[][] = [];
for (const c of CASES) {
  const data = series(c.dimensions, WARMUP + MEASURE);
  const rcf = new RandomCutForest({
    dimensions: c.dimensions,
    shingleSize: c.shingleSize,
    numberOfTrees: c.trees,
    seed: 7,
  });
  for (let i = 0; i < WARMUP; i += 1) rcf.process(data[i] as Float64Array);
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  let sink = 0;
  for (let i = WARMUP; i < WARMUP + MEASURE; i += 1) sink += rcf.process(data[i] as Float64Array);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const wallPps = MEASURE / seconds;
  // Points per CPU-second: on a shared machine the wall clock also counts time the
  // process waited for a core; CPU time is the single-threaded cost.
  const pps = MEASURE / cpuSeconds;
  rows.push([
    c.name,
    wallPps.toFixed(0),
    pps.toFixed(0),
    c.javaPointsPerSec ? c.javaPointsPerSec.toLocaleString('en') : '—',
    c.javaPointsPerSec ? (pps / c.javaPointsPerSec).toFixed(2) : '—',
    (rcf.byteSize() / 1e6).toFixed(2),
    c.javaBytes ? (rcf.byteSize() / c.javaBytes).toFixed(2) : '—',
    (sink / MEASURE).toFixed(3),
  ]);
}

const header = [
  'case',
  'points/s (wall)',
  'points/CPU-s',
  'Java bar',
  'ratio',
  'model MB',
  'size ratio',
  'mean score',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (r: string[]) => `| ${r.map((v, i) => v.padEnd(widths[i] ?? 0)).join(' | ')} |`;
console.log(
  `RCF score+update, sampleSize 256, ${MEASURE} points measured after ${WARMUP} warm-up; ratio = points/CPU-s ÷ Java bar; load average ${os.loadavg()[0]?.toFixed(1)} on ${os.cpus().length} cores`,
);
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
