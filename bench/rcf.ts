/**
 * @module bench/rcf
 * `npm run bench:rcf`: memory and speed of the streaming Random Cut Forest, the forest
 * before the memory work of #16 side by side with today's, on the same machine in the same
 * run. The "before" is the forest's source at commit 1dfe824 (`rcf-before.ts`: read with
 * `git show` into a temporary folder and imported from there; "—" without git).
 *
 * Memory, two ways: the exact bytes of a model's typed arrays (its whole state), and the
 * heap: `K` forests fed the same stream are kept, and (heap used + array buffers) after a
 * full GC minus the same before them, divided by K — which also counts the objects around
 * the arrays (at ~100 KiB it varies by ±15 KiB between runs; `rcf-heap.ts` counts the
 * devices default's heap exactly from a heap snapshot). Speed: CPU µs per point (score +
 * update) over the measured points, single thread; CPU time, because on the shared machine
 * the wall clock counts waits for a core.
 * Targets (issue #16): 1-d shingle 8, 50 × 256 ≤ 1.2 MB (the Java reference); the devices
 * forest (6 measures × shingle 4 = 24-d, shingled by the pipeline) ≤ 100 KiB.
 * `RCF_BENCH_POINTS` (default 4,000) points are measured after 4,000 of warm-up;
 * `RCF_BENCH_FOREST` (`K`, default 3) forests per case for the heap.
 */
import { runInNewContext } from 'node:vm';
import v8 from 'node:v8';
import { seedState, sfc32 } from '../core/index.js';
import { RandomCutForest, type RandomCutForestOptions } from '../models/index.js';
import { BEFORE, loadBefore } from './rcf-before.js';
import { devicesInput } from './rcf-inputs.js';
import { machine, table } from './report.js';

/** What the bench needs of either forest. */
interface Forest {
  process(input: ArrayLike<number>): number;
  byteSize(): number;
}
type MakeForest = (o: RandomCutForestOptions) => Forest;

interface Case {
  name: string;
  options: RandomCutForestOptions;
  inputs: (n: number) => Float64Array[];
  /** Target bytes per model (issue #16), if any. */
  target?: number;
  /** Run the before forest too. */
  before: boolean;
}

const WARMUP = 4_000;
const MEASURE = Number(process.env.RCF_BENCH_POINTS ?? 4_000);
const K = Number(process.env.RCF_BENCH_FORESTS ?? 3);

/** A noisy sine with rare spikes, `dims` columns. */
const sine = (dims: number) => (n: number) => {
  const g = sfc32(seedState(1));
  return Array.from({ length: n }, (_, i) =>
    Float64Array.from(
      { length: dims },
      (_, k) => Math.sin((i + 7 * k) / 20) * 10 + g.next() + (g.next() < 0.001 ? 20 : 0),
    ),
  );
};

/** The devices pipeline's input: 6 scaled measures, the last 4 windows concatenated (24-d). */
const devices = devicesInput;

const DEVICE = { dimensions: 24, outputAfter: 16, seed: 3 };
const fractions = (c: Case, fs: number[]): Case[] =>
  fs.map((f) => ({
    ...c,
    name: `${c.name}, cache ${f}`,
    options: { ...c.options, boundingBoxCacheFraction: f },
    before: false,
  }));
const shingle8: Case = {
  name: '1-d shingle 8, 50 × 256',
  options: { dimensions: 1, shingleSize: 8, seed: 7 },
  inputs: sine(1),
  target: 1.2e6,
  before: true,
};
const device50x64: Case = {
  name: 'devices 24-d, 50 × 64',
  options: { ...DEVICE, numberOfTrees: 50, sampleSize: 64 },
  inputs: devices,
  target: 100 * 1024,
  before: true,
};
const CASES: Case[] = [
  {
    name: '1-d shingle 1, 50 × 256',
    options: { dimensions: 1, seed: 7 },
    inputs: sine(1),
    before: true,
  },
  shingle8,
  ...fractions(shingle8, [1, 0.25, 0]),
  {
    name: '1-d shingle 8, 100 × 256',
    options: { dimensions: 1, shingleSize: 8, numberOfTrees: 100, seed: 7 },
    inputs: sine(1),
    before: true,
  },
  {
    name: '10-d shingle 1, 50 × 256',
    options: { dimensions: 10, seed: 7 },
    inputs: sine(10),
    before: true,
  },
  device50x64,
  ...fractions(device50x64, [1, 0.25, 0]),
  ...(
    [
      [30, 64, 0.5],
      [30, 64, 0],
      [50, 32, 0],
      [30, 32, 0.5],
      [30, 32, 0],
      [20, 32, 0.25],
      [20, 32, 0],
    ] as const
  ).map(([trees, sample, f]) => ({
    name: `devices 24-d, ${trees} × ${sample}, cache ${f}`,
    options: { ...DEVICE, numberOfTrees: trees, sampleSize: sample, boundingBoxCacheFraction: f },
    inputs: devices,
    target: 100 * 1024,
    before: false,
  })),
];

const gc: () => void =
  typeof globalThis.gc === 'function'
    ? globalThis.gc
    : (() => {
        v8.setFlagsFromString('--expose-gc');
        return runInNewContext('gc') as () => void;
      })();
const heap = () => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

interface Measured {
  cpuUsPerPoint: number;
  bytes: number;
  heapBytes: number;
  meanScore: number;
}

/** Feeds K forests, timing the measured points, and keeps them for the heap figure. */
function measure(make: MakeForest, c: Case, data: Float64Array[]): Measured {
  const kept: Forest[] = [];
  const h0 = heap();
  let cpu = 0;
  let sum = 0;
  for (let j = 0; j < K; j += 1) {
    const f = make(c.options);
    for (let i = 0; i < WARMUP; i += 1) f.process(data[i] as Float64Array);
    const t = process.cpuUsage();
    for (let i = WARMUP; i < data.length; i += 1) sum += f.process(data[i] as Float64Array);
    const d = process.cpuUsage(t);
    cpu += d.user + d.system;
    kept.push(f);
  }
  const heapBytes = (heap() - h0) / K;
  return {
    cpuUsPerPoint: cpu / (K * MEASURE),
    bytes: kept[0]?.byteSize() ?? 0,
    heapBytes,
    meanScore: sum / (K * MEASURE),
  };
}

const kb = (b: number) => (b / 1024).toFixed(1);
const old = await loadBefore();
const OldForest = old?.forest.RandomCutForest as
  (new (o: RandomCutForestOptions) => Forest) | undefined;
const before = OldForest ? { make: (o: RandomCutForestOptions) => new OldForest(o) } : undefined;
const now: MakeForest = (o) => new RandomCutForest(o);
const rows: string[][] = [];
for (const c of CASES) {
  const data = c.inputs(WARMUP + MEASURE);
  const b = c.before && before ? measure(before.make, c, data) : undefined;
  const a = measure(now, c, data);
  if (b && Math.abs(b.meanScore - a.meanScore) > 1e-9) throw new Error(`${c.name}: scores differ`);
  rows.push([
    c.name,
    b ? b.cpuUsPerPoint.toFixed(1) : '—',
    a.cpuUsPerPoint.toFixed(1),
    b ? (a.cpuUsPerPoint / b.cpuUsPerPoint).toFixed(2) : '—',
    b ? kb(b.bytes) : '—',
    kb(a.bytes),
    b ? kb(b.heapBytes) : '—',
    kb(a.heapBytes),
    b ? (a.bytes / b.bytes).toFixed(2) : '—',
    c.target ? `${kb(c.target)} → ${(a.bytes / c.target).toFixed(2)}` : '—',
    a.meanScore.toFixed(4),
  ]);
}
old?.dispose();

const header = [
  'case (trees × sample)',
  'µs/point before',
  'after',
  'time ratio',
  'KiB before',
  'after',
  'heap KiB before',
  'after',
  'size ratio',
  'target KiB → after/target',
  'mean score',
];
console.log(
  `RCF score+update: before = commit ${BEFORE}${before ? '' : ' (not available: no git)'}, after = this tree (default cache fraction unless named); ${MEASURE} points measured after ${WARMUP}; KiB = the model's typed arrays; heap = (heap used + array buffers) per forest after GC over ${K} forests; ${machine()}`,
);
table(header, rows);
