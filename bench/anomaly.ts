/**
 * @module bench/anomaly
 * `npm run bench:anomaly`: event-level precision and recall of the anomaly detection, per
 * fault kind, with detection delay, on: the device simulator at HELD-OUT seeds (101–103;
 * seeds 1–3 were used for tuning), the planted set, and the public indoor-air and household
 * data with faults injected by the fault injector; then the cost of the grading (the
 * detector: thresholds, flat-line, gap, range, events, feature scaling) per reading next to
 * the forest's. Readings go through `scoreAnomalies` (operators/scoring) exactly as the
 * pipeline feeds it: one window a minute per key, out-of-range readings as dead letters,
 * gaps of ≤ 5 minutes imputed linearly, longer ones starting a new look-back, a shingle of
 * 4 windows, the pipeline's forest (`WARM_FOREST`). An event is true when it overlaps a
 * label of its key ([start − 1 min, end + 5 min]); a label is found when a true event
 * overlaps it; the delay is the time of the window that first reported that event minus
 * the label's start. The first day of each set trains the models and is not judged.
 * `BENCH_SEEDS=1,2,3` overrides the held-out seeds (e.g. to see the tuning seeds).
 */
import os from 'node:os';
import { from, lastValueFrom, toArray } from 'rxjs';
import {
  PositionSet,
  deadLetter,
  readingKey,
  readingTime,
  type Reading,
  type Traced,
} from '../core/index.js';
import { AnomalyDetector, RandomCutForest, type AnomalyEvent } from '../models/index.js';
import type { Flow } from '../operators/index.js';
import { outOfRangeMark, scoreAnomalies, type AnomalyScore } from '../operators/scoring/index.js';
import { WARM_FOREST } from '../pipelines/devices/index.js';
import { household, indoorAir, planted, simulated, type DataSet } from './anomaly-data.js';

const MIN = 60_000;
const DAY = 86_400_000;
const SHINGLE = 4;
const MAX_GAP = 5;
const KINDS = ['spike', 'shift', 'drift', 'stuck', 'dropout', 'range'];

interface Win {
  readonly key: string;
  readonly time: number;
  readonly imputed: boolean;
  readonly values: number[];
  readonly history: number[][];
}

/** The pipeline's front half for a data set: windows (with imputation) and range dead letters. */
function windows(set: DataSet): Flow<Win>[] {
  const last = new Map<string, { time: number; values: number[]; history: number[][] }>();
  const out: Flow<Win>[] = [];
  let n = 0;
  const push = (key: string, time: number, values: number[], imputed: boolean) => {
    const s = last.get(key) as { time: number; values: number[]; history: number[][] };
    s.history = [...s.history.slice(1 - SHINGLE), values];
    out.push({
      value: { key, time, imputed, values, history: s.history },
      positions: PositionSet.single('s', n++),
    });
  };
  for (const r of set.readings) {
    const dead = outOfRangeMark(deadLetter('out-of-range', '', r, PositionSet.empty));
    if (dead) {
      out.push(deadLetter('out-of-range', '', r, PositionSet.single('s', n++)));
      continue;
    }
    const key = readingKey(r);
    const time = readingTime(r) - (readingTime(r) % MIN);
    const values = set.measures.map((m) => (r.readings as Record<string, number>)[m] as number);
    const s = last.get(key);
    if (!s) last.set(key, { time, values, history: [] });
    else {
      const missing = Math.round((time - s.time) / MIN) - 1;
      if (missing > MAX_GAP) s.history = [];
      else
        for (let j = 1; j <= missing; j += 1)
          push(
            key,
            s.time + j * MIN,
            s.values.map((v, i) => v + (j / (missing + 1)) * ((values[i] as number) - v)),
            true,
          );
      s.time = time;
      s.values = values;
    }
    push(key, time, values, false);
  }
  return out;
}

const shingle = (h: readonly number[][]) =>
  Array.from(
    { length: SHINGLE },
    (_, i) => h[Math.max(0, h.length - SHINGLE + i)] as number[],
  ).flat();

/** Runs a data set through scoreAnomalies; returns each event's last state and first report. */
async function detect(set: DataSet) {
  const out = (await lastValueFrom(
    from(windows(set)).pipe(
      scoreAnomalies<Win>({
        key: (w) => w.key,
        features: (w) => shingle(w.history),
        measures: set.measures,
        window: (w) => ({ time: w.time, imputed: w.imputed, values: w.values }),
        forest: { ...WARM_FOREST, dimensions: set.measures.length * SHINGLE, seed: 1 },
      }),
      toArray(),
    ),
  )) as Flow<AnomalyScore<Win>>[];
  const events = new Map<string, { key: string; event: AnomalyEvent; reported: number }>();
  for (const o of out) {
    if ('kind' in o && o.kind === 'dead-letter') continue;
    const s = (o as Traced<AnomalyScore<Win>>).value;
    for (const e of s.events) {
      const id = `${s.key}|${e.start}`;
      events.set(id, { key: s.key, event: e, reported: events.get(id)?.reported ?? s.input.time });
    }
  }
  return [...events.values()];
}

const pct = (xs: number[], q: number) =>
  xs.length
    ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]
    : undefined;
const fmt = (x: number | undefined, d = 0) => (x === undefined ? '—' : x.toFixed(d));

interface Tally {
  labels: number;
  found: number;
  kindRight: number;
  delays: number[];
}

/** Scores the events of data sets against their labels, per kind and overall. */
async function evaluate(title: string, sets: DataSet[]) {
  const tally = new Map<string, Tally>(
    KINDS.map((k) => [k, { labels: 0, found: 0, kindRight: 0, delays: [] }]),
  );
  let events = 0;
  let trueEvents = 0;
  const falseKinds = new Map<string, number>();
  const started = process.cpuUsage();
  for (const set of sets) {
    const found = await detect(set);
    const judgedFrom = set.t0 + DAY;
    const overlaps = (f: (typeof found)[number], l: DataSet['labels'][number]) =>
      f.key === l.deviceId &&
      f.event.start <= Date.parse(l.end) + 5 * MIN &&
      f.event.end >= Date.parse(l.start) - MIN;
    for (const f of found) {
      if (f.event.start < judgedFrom) continue;
      events += 1;
      if (set.labels.some((l) => overlaps(f, l))) trueEvents += 1;
      else falseKinds.set(f.event.kind, (falseKinds.get(f.event.kind) ?? 0) + 1);
    }
    for (const l of set.labels) {
      if (Date.parse(l.start) < judgedFrom) continue;
      const t = tally.get(l.kind) as Tally;
      t.labels += 1;
      const hits = found.filter((f) => overlaps(f, l));
      if (hits.length === 0) continue;
      t.found += 1;
      if (hits.some((h) => h.event.kind === l.kind)) t.kindRight += 1;
      t.delays.push(
        Math.max(0, (Math.min(...hits.map((h) => h.reported)) - Date.parse(l.start)) / MIN),
      );
    }
  }
  const cpu = process.cpuUsage(started);
  const all: Tally = { labels: 0, found: 0, kindRight: 0, delays: [] };
  console.log(`\n### ${title}\n`);
  console.log(
    '| kind | labels | found | recall | kind named right | delay median (min) | delay p90 (min) |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const [k, t] of tally) {
    if (t.labels === 0) continue;
    all.labels += t.labels;
    all.found += t.found;
    all.kindRight += t.kindRight;
    all.delays.push(...t.delays);
    console.log(
      `| ${k} | ${t.labels} | ${t.found} | ${fmt(t.found / t.labels, 2)} | ${t.kindRight}/${t.found} | ${fmt(pct(t.delays, 0.5))} | ${fmt(pct(t.delays, 0.9))} |`,
    );
  }
  console.log(
    `| **all** | ${all.labels} | ${all.found} | **${fmt(all.found / all.labels, 2)}** | ${all.kindRight}/${all.found} | ${fmt(pct(all.delays, 0.5))} | ${fmt(pct(all.delays, 0.9))} |`,
  );
  const falses = [...falseKinds].map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  console.log(
    `\nevents ${events}, true ${trueEvents}, **precision ${fmt(trueEvents / events, 2)}** (false events by kind: ${falses}); ` +
      `${((cpu.user + cpu.system) / 1e6).toFixed(0)} CPU-s`,
  );
}

/** CPU time of the forest vs the detector per reading (scale + update), same windows. */
function cost(set: DataSet) {
  const forests = new Map<string, RandomCutForest>();
  const detectors = new Map<string, AnomalyDetector>();
  let forestMs = 0;
  let gradingMs = 0;
  let n = 0;
  for (const w of windows(set)) {
    if ('kind' in w) continue;
    const { key, history, time, imputed, values } = w.value;
    let f = forests.get(key);
    if (!f)
      forests.set(
        key,
        (f = new RandomCutForest({
          ...WARM_FOREST,
          dimensions: set.measures.length * SHINGLE,
          seed: 1,
        })),
      );
    let d = detectors.get(key);
    if (!d) detectors.set(key, (d = new AnomalyDetector({ measures: set.measures })));
    const a = performance.now();
    const scaled = d.scale(shingle(history));
    const b = performance.now();
    const { score, attribution } = f.processWithAttribution(scaled);
    const c = performance.now();
    d.update({ time, imputed, values, score, attribution });
    const e = performance.now();
    forestMs += c - b;
    gradingMs += b - a + (e - c);
    n += 1;
  }
  console.log('\n### Cost per reading (one simulator seed, 8 devices × 2 days)\n');
  console.log('| stage | µs per reading | share of the forest |');
  console.log('|---|---|---|');
  console.log(
    `| forest (score + attribution + update) | ${((1000 * forestMs) / n).toFixed(1)} | 100% |`,
  );
  console.log(
    `| grading (scaling, thresholds, flat-line, gap, range, events) | ${((1000 * gradingMs) / n).toFixed(1)} | ${((100 * gradingMs) / forestMs).toFixed(1)}% |`,
  );
}

const seeds = (process.env.BENCH_SEEDS ?? '101,102,103').split(',').map(Number);
console.log(
  `bench:anomaly — ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, node ${process.version}, load ${os.loadavg()[0]?.toFixed(1)}`,
);
await evaluate(
  `Device simulator, held-out seeds ${seeds.join(', ')} (8 devices × 4 days each)`,
  seeds.map((s) => simulated(s)),
);
await evaluate('Planted set (8 devices × 4 days, every kind once per device)', [planted()]);
await evaluate('Indoor air (UCI occupancy, 6.8 days) with injected faults', [indoorAir()]);
await evaluate('Household power (UCI, 2 days) with injected faults', [household()]);
cost(simulated(1, 8, 2));
export type { Reading };
