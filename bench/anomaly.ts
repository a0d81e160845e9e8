/**
 * @module bench/anomaly
 * `npm run bench:anomaly`: event-level precision and recall of the anomaly detection, per
 * fault kind, the kinds named (a confusion table) and the detection delay, on:
 * - the device simulator at HELD-OUT seeds {@link HELD_OUT_SEEDS} (101–103) — the targets are
 *   judged here; the detectors were tuned on {@link TUNING_SEEDS} (1–3) only, never on these;
 * - the planted set (every kind once per device at known times);
 * - the public indoor-air and household data with faults injected by the separate
 *   `FaultInjector` (producers/sources/faults.ts);
 * then the cost of the grading (the detector) per reading next to the forest's.
 * How readings are fed and events judged: `anomaly-eval.ts`.
 * `BENCH_SETS` picks sets (comma-separated: `held-out`, `tuning`, `planted`, `indoor`,
 * `household`, `cost`; default all but `tuning`); `BENCH_SEEDS` overrides the held-out seeds.
 */
import { AnomalyDetector, RandomCutForest } from '../models/index.js';
import { WARM_FOREST } from '../pipelines/devices/index.js';
import { household, indoorAir, planted, simulated, type DataSet } from './anomaly-data.js';
import { machine, table } from './report.js';
import {
  KINDS,
  SHINGLE,
  detect,
  emptyScore,
  judge,
  shingle,
  windows,
  type Score,
} from './anomaly-eval.js';

/** Simulator seeds the detectors were tuned on (never used to report the targets). */
export const TUNING_SEEDS = [1, 2, 3] as const;
/** Simulator seeds the targets are judged on. */
export const HELD_OUT_SEEDS = [101, 102, 103] as const;

const pct = (xs: readonly number[], q: number) =>
  xs.length
    ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]
    : undefined;
const fmt = (x: number | undefined, d = 0) => (x === undefined ? '—' : x.toFixed(d));

/** Prints per-kind recall, the confusion table and precision of a {@link Score}. */
function print(title: string, s: Score, cpuS: number): void {
  console.log(`\n### ${title}\n`);
  const recall: string[][] = [];
  let found = 0;
  let right = 0;
  const allDelays: number[] = [];
  for (const k of KINDS) {
    const row = s.confusion[k] as Record<string, number>;
    const n = Object.values(row).reduce((a, b) => a + b, 0);
    if (n === 0) continue;
    const f = n - (row.missed ?? 0);
    found += f;
    right += row[k] ?? 0;
    const d = s.delays[k] as number[];
    allDelays.push(...d);
    recall.push([
      k,
      String(n),
      String(f),
      fmt(f / n, 2),
      `${row[k] ?? 0}/${f}`,
      `${fmt(pct(d, 0.5))} / ${fmt(pct(d, 0.9))}`,
    ]);
  }
  recall.push([
    '**all**',
    String(s.labels),
    String(found),
    `**${fmt(found / s.labels, 2)}**`,
    `${right}/${found}`,
    `${fmt(pct(allDelays, 0.5))} / ${fmt(pct(allDelays, 0.9))}`,
  ]);
  table(
    ['injected kind', 'labels', 'found', 'recall', 'named right', 'delay median / p90 (min)'],
    recall,
  );
  console.log(
    '\nConfusion (rows: injected kind; columns: kind of the event that covers it most):\n',
  );
  const confusion = KINDS.flatMap((k) => {
    const row = s.confusion[k] as Record<string, number>;
    if (Object.keys(row).length === 0) return [];
    return [[k, ...[...KINDS, 'missed'].map((c) => String(row[c] ?? 0))]];
  });
  confusion.push(['*false events*', ...KINDS.map((c) => String(s.falseKinds[c] ?? 0)), '']);
  table(['injected \\ named', ...KINDS, 'missed'], confusion);
  console.log(
    `\nevents ${s.events}, true ${s.trueEvents}, **precision ${fmt(s.trueEvents / s.events, 2)}**, ` +
      `**recall ${fmt(found / s.labels, 2)}**, kind named right ${right}/${found}; ${cpuS.toFixed(0)} CPU-s`,
  );
}

async function evaluate(title: string, sets: () => DataSet[]): Promise<Score> {
  const started = process.cpuUsage();
  const score = emptyScore();
  for (const set of sets()) judge(set, await detect(set), score);
  const cpu = process.cpuUsage(started);
  print(title, score, (cpu.user + cpu.system) / 1e6);
  return score;
}

/** CPU time of the forest vs the detector per reading (scale + update), same windows. */
function cost(set: DataSet) {
  const forests = new Map<string, RandomCutForest>();
  const detectors = new Map<string, AnomalyDetector>();
  let forestMs = 0;
  let gradingMs = 0;
  let n = 0;
  let stateBytes = 0;
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
  for (const d of detectors.values()) stateBytes += JSON.stringify(d.toJSON()).length;
  console.log('\n### Cost per reading (one simulator seed, 8 devices × 2 days)\n');
  table(
    ['stage', 'µs per reading', 'share of the forest'],
    [
      ['forest (score + attribution + update)', ((1000 * forestMs) / n).toFixed(1), '100%'],
      [
        'grading (scaling, thresholds, baseline, flat-line, gap, range, events)',
        ((1000 * gradingMs) / n).toFixed(1),
        `${((100 * gradingMs) / forestMs).toFixed(1)}%`,
      ],
    ],
  );
  console.log(
    `\ndetector state per key (plain JSON, before gzip): ${(stateBytes / detectors.size / 1024).toFixed(1)} KB`,
  );
}

const want = new Set(
  (process.env.BENCH_SETS ?? 'held-out,planted,indoor,household,cost').split(','),
);
const heldOut = process.env.BENCH_SEEDS
  ? process.env.BENCH_SEEDS.split(',').map(Number)
  : [...HELD_OUT_SEEDS];
console.log(`bench:anomaly — ${machine()}`);
if (want.has('tuning'))
  await evaluate(
    `Device simulator, TUNING seeds ${TUNING_SEEDS.join(', ')} (8 devices × 4 days each)`,
    () => TUNING_SEEDS.map((s) => simulated(s)),
  );
if (want.has('held-out'))
  await evaluate(
    `Device simulator, HELD-OUT seeds ${heldOut.join(', ')} (8 devices × 4 days each)`,
    () => heldOut.map((s) => simulated(s)),
  );
if (want.has('planted'))
  await evaluate('Planted set (8 devices × 4 days, every kind once per device)', () => [planted()]);
if (want.has('indoor'))
  await evaluate('Indoor air (UCI occupancy, 6.8 days) with injected faults', () => [indoorAir()]);
if (want.has('household'))
  await evaluate('Household power (UCI, 2 days) with injected faults', () => [household()]);
if (want.has('cost')) cost(simulated(1, 8, 2));
