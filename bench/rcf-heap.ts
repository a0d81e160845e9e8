/**
 * @module bench/rcf-heap
 * Heap of one devices forest (the pipelines' default `WARM_FOREST`: 24-d, 30 trees × 32,
 * no cached box) counted exactly from a heap snapshot, today's forest side by side with the
 * forest of earlier commits (loaded from git, `rcf-before.ts`) in the same process. `K`
 * forests fed the same windows are held by one object; the figure is what that object
 * retains (the nodes of the snapshot reachable only through it: JS objects, heap numbers,
 * typed arrays' bytes), divided by K. What several forests share (classes, code, the trees'
 * scratch arrays) is not counted: one more forest of the kind is kept outside the holder. Unlike "heap used after GC" (bench:rcf's heap column,
 * ±15 KiB between runs at this size) it counts objects, not pages, and does not move with load.
 * `npx tsx bench/rcf-heap.ts [commit …]` (default: cb446c3, the forest before the
 * forest-level tree arrays); `RCF_HEAP_FORESTS` (K, default 5), `RCF_HEAP_WINDOWS` (1,000).
 */
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { RandomCutForest, type RandomCutForestOptions } from '../models/index.js';
import { loadBefore } from './rcf-before.js';
import { devicesInput } from './rcf-inputs.js';
import { machine, table } from './report.js';

interface Forest {
  process(input: ArrayLike<number>): number;
  byteSize(): number;
}

const K = Number(process.env.RCF_HEAP_FORESTS ?? 5);
const WINDOWS = Number(process.env.RCF_HEAP_WINDOWS ?? 1_000);
const OPTIONS: RandomCutForestOptions = {
  dimensions: 24,
  numberOfTrees: 30,
  sampleSize: 32,
  outputAfter: 16,
  boundingBoxCacheFraction: 0,
  seed: 3,
};
const inputs = devicesInput(WINDOWS);

/** The one object holding the measured forests (found in the snapshot by its class name). */
class RcfHeapHolder {
  constructor(readonly forests: Forest[]) {}
}

interface Snapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: [string[]];
      edge_fields: string[];
      edge_types: [string[]];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/** Bytes retained by the holder (reachable from it, not from the roots without it), by class. */
function retained(): Map<string, number> {
  const file = path.join(os.tmpdir(), `rcf-heap-${process.pid}.heapsnapshot`);
  v8.writeHeapSnapshot(file);
  const s = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  rmSync(file);
  const nf = s.snapshot.meta.node_fields;
  const ef = s.snapshot.meta.edge_fields;
  const [W, E] = [nf.length, ef.length];
  const [TYPE, NAME, SIZE, COUNT] = ['type', 'name', 'self_size', 'edge_count'].map((f) =>
    nf.indexOf(f),
  ) as [number, number, number, number];
  const [ETYPE, ETO] = [ef.indexOf('type'), ef.indexOf('to_node')];
  const weak = s.snapshot.meta.edge_types[0].indexOf('weak');
  const n = s.nodes.length / W;
  const first = new Int32Array(n + 1);
  for (let i = 0; i < n; i += 1) first[i + 1] = (first[i] ?? 0) + (s.nodes[i * W + COUNT] ?? 0);
  const name = (i: number) => s.strings[s.nodes[i * W + NAME] ?? 0] ?? '?';
  let holder = -1;
  for (let i = 0; i < n; i += 1)
    if (
      name(i) === 'RcfHeapHolder' &&
      s.snapshot.meta.node_types[0][s.nodes[i * W + TYPE] ?? 0] === 'object'
    )
      holder = i;
  if (holder < 0) throw new Error('holder not in the snapshot');
  const seen = new Uint8Array(n);
  const visit = (start: number, mark: number, skip: number) => {
    const stack = [start];
    seen[start] = mark;
    while (stack.length > 0) {
      const i = stack.pop() as number;
      for (let e = first[i] ?? 0; e < (first[i + 1] ?? 0); e += 1) {
        if (s.edges[e * E + ETYPE] === weak) continue;
        const to = (s.edges[e * E + ETO] ?? 0) / W;
        if (to === skip || seen[to] !== 0) continue;
        seen[to] = mark;
        stack.push(to);
      }
    }
  };
  visit(0, 1, holder); // the roots' side without the holder
  visit(holder, 2, -1); // then what only the holder reaches
  const out = new Map<string, number>();
  for (let i = 0; i < n; i += 1) {
    if (seen[i] !== 2) continue;
    const type = s.snapshot.meta.node_types[0][s.nodes[i * W + TYPE] ?? 0] ?? '?';
    const key = type === 'object' || type === 'native' ? name(i) : `(${type})`;
    out.set(key, (out.get(key) ?? 0) + (s.nodes[i * W + SIZE] ?? 0));
  }
  return out;
}

/**
 * One more forest of each kind, kept outside the holder, so that what forests share
 * (hidden classes, allocation sites) is reachable without the holder and not counted.
 */
const witnesses: Forest[] = [];

/** K forests fed the inputs, held by one object (no other reference left on the stack). */
function feed(make: (o: RandomCutForestOptions) => Forest): {
  holder: RcfHeapHolder;
  score: number;
  us: number;
} {
  const forests = Array.from({ length: K + 1 }, () => make(OPTIONS));
  const cpu = process.cpuUsage();
  const score = forests.reduce((s, f) => s + inputs.reduce((t, x) => t + f.process(x), 0), 0);
  const used = process.cpuUsage(cpu);
  const us = (used.user + used.system) / ((K + 1) * inputs.length);
  witnesses.push(forests.pop() as Forest);
  return { holder: new RcfHeapHolder(forests), score: score / (K + 1), us };
}

/** Bytes per forest retained, by class, and the forest's state bytes and mean score. */
function measure(make: (o: RandomCutForestOptions) => Forest) {
  const { holder, score, us } = feed(make);
  const parts = retained();
  const perForest = [...parts.values()].reduce((a, b) => a + b, 0) / K;
  return { perForest, parts, state: holder.forests[0]?.byteSize() ?? 0, score, us };
}

const kib = (b: number) => (b / 1024).toFixed(1);
const commits = process.argv.length > 2 ? process.argv.slice(2) : ['cb446c3'];
const results: [string, ReturnType<typeof measure>][] = [];
for (const c of commits) {
  const old = await loadBefore(c);
  if (!old) throw new Error(`cannot load the forest of ${c}`);
  const Old = old.forest.RandomCutForest as new (o: RandomCutForestOptions) => Forest;
  results.push([c, measure((o) => new Old(o))]);
  old.dispose();
}
results.push(['this tree', measure((o) => new RandomCutForest(o))]);
const now = results.at(-1)?.[1];
console.log(
  `devices forest 24-d 30 × 32, cache 0, fed ${WINDOWS} windows; retained heap per forest (snapshot, ${K} forests); ${machine()}`,
);
const rows = results.map(([c, r]) => {
  if (now && r.score !== now.score) throw new Error(`${c}: mean score ${r.score} ≠ ${now.score}`);
  const buffers = r.parts.get('system / JSArrayBufferData') ?? 0;
  const others = [...r.parts]
    .filter(([k]) => k !== 'system / JSArrayBufferData')
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([k, v]) => `${k} ${(v / K).toFixed(0)}`)
    .join(', ');
  const ratio = now ? (r.perForest / now.perForest).toFixed(2) : '—';
  return [c, kib(r.state), kib(r.perForest), ratio, kib(buffers / K), r.us.toFixed(1), others];
});
table(
  [
    'forest',
    'state KiB',
    'heap KiB',
    'heap ratio',
    'array buffers KiB',
    'µs/window (score + update, CPU)',
    'largest other parts (bytes per forest)',
  ],
  rows,
  { right: (column) => column > 0 && column < 6 },
);
