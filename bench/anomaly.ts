/**
 * @module bench/anomaly
 * `npm run bench:anomaly`: precision and recall of the anomaly grades of
 * `scoreAnomalies` (embedded per-device RCF + thresholder, default settings) on labelled
 * anomalies. Source: the producer's device simulator (`producers/sources/device-simulator`)
 * with its labels when present, and always a self-contained planted-anomaly stream (the
 * same generator as the unit test). Features are the device's readings z-normalized with
 * running per-device statistics (RCF's random cuts are scale-sensitive). An anomaly counts
 * as detected when a reading in its labelled interval (or the next 2 minutes) gets a grade
 * above the cut-off; precision is the share of such readings inside a labelled interval
 * (+2 minutes). The first 24 h (one daily cycle) train the models and are not judged.
 */
import { from, lastValueFrom, toArray } from 'rxjs';
import { PositionSet, type Traced } from '../core/index.js';
import { scoreAnomalies, type AnomalyScore, type Flow } from '../operators/index.js';
import { plantedDevices, type Labelled } from '../operators/scoring/planted.js';

interface Reading {
  readonly deviceId: string;
  readonly t: number;
  readonly values: readonly number[];
}
interface Label {
  readonly deviceId: string;
  readonly kind: string;
  readonly start: number;
  readonly end: number;
}

const TOLERANCE_MS = 2 * 60_000;
/** The first day trains the per-device models (a daily cycle); it is not judged. */
const BURN_IN_MS = 86_400_000;

/** Per-device running z-normalization (Welford), so no feature dominates the cuts. */
function normalizer() {
  const stats = new Map<string, { n: number; mean: number[]; m2: number[] }>();
  return (r: Reading): number[] => {
    let s = stats.get(r.deviceId);
    if (!s)
      stats.set(r.deviceId, (s = { n: 0, mean: r.values.map(() => 0), m2: r.values.map(() => 0) }));
    s.n += 1;
    const st = s;
    return r.values.map((v, k) => {
      const d = v - (st.mean[k] as number);
      st.mean[k] = (st.mean[k] as number) + d / st.n;
      st.m2[k] = (st.m2[k] as number) + d * (v - (st.mean[k] as number));
      const sd = st.n > 1 ? Math.sqrt((st.m2[k] as number) / (st.n - 1)) : 1;
      return sd > 0 ? (v - (st.mean[k] as number)) / sd : 0;
    });
  };
}

async function evaluate(name: string, readings: Reading[], labels: Label[]) {
  const norm = normalizer();
  const flows: Flow<Reading & { z: number[] }>[] = readings.map((r, i) => ({
    value: { ...r, z: norm(r) },
    positions: PositionSet.single('s', i),
  }));
  const started = Date.now();
  const out = (await lastValueFrom(
    from(flows).pipe(
      scoreAnomalies<Reading & { z: number[] }>({
        key: (r) => r.deviceId,
        features: (r) => r.z,
        forest: { dimensions: readings[0]?.values.length ?? 1, seed: 1 },
      }),
      toArray(),
    ),
  )) as Traced<AnomalyScore<Reading>>[];
  const seconds = (Date.now() - started) / 1000;
  const t0 = readings[0]?.t ?? 0;
  const scored = out.filter((o) => o.value.input.t - t0 >= BURN_IN_MS);
  const judged = labels.filter((l) => l.start - t0 >= BURN_IN_MS);
  const inLabel = (r: Reading) =>
    judged.find((l) => l.deviceId === r.deviceId && r.t >= l.start && r.t <= l.end + TOLERANCE_MS);
  const kinds = [...new Set(judged.map((l) => l.kind))].sort();
  console.log(
    `\n${name}: ${readings.length} readings, ${new Set(readings.map((r) => r.deviceId)).size} devices, ` +
      `${labels.length} labelled anomalies, ${judged.length} after the 24 h burn-in (${seconds.toFixed(1)} s)`,
  );
  console.log(
    `| grade cut-off | ${kinds.map((k) => `recall ${k}`).join(' | ')} | recall all | graded readings | precision |`,
  );
  console.log(`|${new Array(kinds.length + 4).fill('---').join('|')}|`);
  for (const cutoff of [0, 0.5]) {
    const graded = scored.filter((o) =>
      cutoff === 0 ? o.value.grade > 0 : o.value.grade >= cutoff,
    );
    const detected = new Set<Label>();
    let truePositives = 0;
    for (const o of graded) {
      const l = inLabel(o.value.input);
      if (l) {
        detected.add(l);
        truePositives += 1;
      }
    }
    const recall = (ls: Label[]) =>
      ls.length
        ? `${(ls.filter((l) => detected.has(l)).length / ls.length).toFixed(2)} (${ls.filter((l) => detected.has(l)).length}/${ls.length})`
        : '—';
    console.log(
      `| ${cutoff === 0 ? 'grade > 0' : `grade ≥ ${cutoff}`} | ${kinds.map((k) => recall(judged.filter((l) => l.kind === k))).join(' | ')} | ${recall(judged)} | ${graded.length} | ${graded.length ? (truePositives / graded.length).toFixed(2) : '—'} |`,
    );
  }
}

const MEASURES = ['iaq', 'temperature', 'humidity', 'voc', 'pressure', 'co2'] as const;
const simulatorPath = '../producers/sources/device-simulator.js';
try {
  const mod = (await import(simulatorPath)) as {
    DeviceSimulator: new (o: object) => {
      readings(): Iterable<{ deviceId: string; ts: string; readings: Record<string, number> }>;
    };
  };
  const labels: Label[] = [];
  const sim = new mod.DeviceSimulator({
    devices: 8,
    steps: 3 * 1440,
    seed: 7,
    onLabel: (l: { deviceId: string; kind: string; start: string; end: string }) =>
      labels.push({
        deviceId: l.deviceId,
        kind: l.kind,
        start: Date.parse(l.start),
        end: Date.parse(l.end),
      }),
  });
  const readings: Reading[] = [];
  for (const r of sim.readings())
    readings.push({
      deviceId: r.deviceId,
      t: Date.parse(r.ts),
      values: MEASURES.map((m) => r.readings[m] as number),
    });
  await evaluate('device simulator (producers/sources), 3 days', readings, labels);
} catch (error) {
  console.log(
    `device simulator not available (${(error as Error).message}); planted anomalies only`,
  );
}

const planted: Labelled = plantedDevices({ devices: 8, steps: 3 * 1440, seed: 7 });
await evaluate(
  'planted anomalies (operators/scoring/planted.ts), 3 days',
  [...planted.readings],
  [...planted.labels],
);
