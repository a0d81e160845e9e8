/**
 * Benchmark of the operator chain (issue 5): synthetic device readings over many keys through
 * decode → validate → normalize → tumbling window → pivot, in-process, one core.
 *
 *   npm run bench:operators                 # 1,000,000 readings over 10,000 keys
 *   npm run bench:operators -- --count 200000 --keys 10000
 *   npm run bench:operators -- --stage 5     # only the 5th row (full chain), e.g. to profile
 *
 * Input bytes are generated in batches outside the timed region; each stage prefix of the
 * chain is timed on the same data, so the table shows what each operator adds (ratios are
 * side by side in one run). `readings/s` is wall-clock; `readings/CPU-s` divides by the
 * process's CPU time (user + system, including GC threads), which is steadier when the
 * machine is shared. The first row is the floor (UTF-8 decode + `JSON.parse` of the same
 * payloads in a plain loop); `floor ÷ this` says how many times the floor each prefix costs. Heap per 1,000 open windows is measured on the window engine
 * directly (heap after opening N windows minus heap before, after GC).
 */
import { longRows } from '../operators/testing/fixtures.js';
import { Subject, type Observable, type OperatorFunction } from 'rxjs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  DEVICE_MEASURES,
  PositionSet,
  readingKey,
  readingTime,
  type DeviceReading,
  type Reading,
  type SourceRecord,
} from '../core/index.js';
import {
  WindowEngine,
  decode,
  mapTraced,
  normalize,
  perMeasure,
  pivot,
  splitDeadLetters,
  tumbling,
  validate,
  eventTimeWindow,
  type Flow,
  type WindowResult,
} from '../operators/index.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isSafeInteger(v) || v <= 0) throw new Error(`--${name} must be a positive integer`);
  return v;
}
const COUNT = flag('count', 1_000_000);
const KEYS = flag('keys', 10_000);
const BATCH = 50_000;
const T0 = Date.UTC(2026, 10, 23, 0, 0, 0);

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const keyNames = Array.from({ length: KEYS }, (_, i) => `dev-${i.toString(16).padStart(6, '0')}`);
const encoder = new TextEncoder();

/** Records i..i+n: key = i mod KEYS, one reading per key per minute; 1 in 1000 is broken JSON. */
function makeBatch(from: number, n: number): SourceRecord[] {
  const out: SourceRecord[] = new Array(n);
  for (let j = 0; j < n; j++) {
    const i = from + j;
    const k = i % KEYS;
    const minute = Math.floor(i / KEYS);
    const x = Math.sin(i * 0.001) * 10;
    const text =
      i % 1000 === 999
        ? '{"kind":"device","deviceId":'
        : `{"kind":"device","deviceId":"${keyNames[k]}","ts":"${new Date(T0 + minute * 60_000 + (k % 50) * 100).toISOString()}","readings":{"iaq":${(50 + x).toFixed(1)},"temperature":${(21 + x / 10).toFixed(2)},"humidity":${(40 + x / 2).toFixed(1)},"voc":${(0.5 + x / 100).toFixed(3)},"pressure":${(1013 + x / 5).toFixed(1)},"co2":${(600 + x * 5).toFixed(0)}}}`;
    out[j] = {
      position: {
        shardId: `shardId-00000000000${k % 4}`,
        sequenceNumber: String(i),
        subSequenceNumber: 0,
        ordinal: i,
      },
      partitionKey: keyNames[k] as string,
      data: encoder.encode(text),
      approximateArrivalTimestamp: T0,
    };
  }
  return out;
}

type Stage = { name: string; chain: (src: Observable<SourceRecord>) => Observable<unknown> };
const windowed = (src: Observable<SourceRecord>) =>
  src.pipe(
    decode(),
    validate(),
    normalize(),
    eventTimeWindow({
      assigner: tumbling({ size: 10 * 60_000 }),
      key: readingKey,
      time: readingTime,
      aggregate: perMeasure<Reading>(DEVICE_MEASURES, 'mean'),
    }),
  );
const stages: Stage[] = [
  { name: 'decode', chain: (s) => s.pipe(decode()) },
  { name: '+ validate', chain: (s) => s.pipe(decode(), validate()) },
  { name: '+ normalize', chain: (s) => s.pipe(decode(), validate(), normalize()) },
  { name: '+ tumbling window', chain: windowed },
  {
    name: '+ pivot (full chain)',
    chain: (s) =>
      windowed(s).pipe(
        mapTraced((w) => longRows(w.key, w.start, w.value)),
        pivot({ columns: DEVICE_MEASURES }),
      ),
  },
];

function run(stage: Stage): { seconds: number; cpuSeconds: number; outputs: number; dead: number } {
  const input = new Subject<SourceRecord>();
  let outputs = 0;
  let dead = 0;
  const sub = (stage.chain(input) as Observable<Flow<unknown>>)
    .pipe(splitDeadLetters(() => dead++) as OperatorFunction<Flow<unknown>, unknown>)
    .subscribe(() => outputs++);
  let ns = 0n;
  let cpu = 0;
  for (let i = 0; i < COUNT; i += BATCH) {
    const batch = makeBatch(i, Math.min(BATCH, COUNT - i));
    const c = process.cpuUsage();
    const t = process.hrtime.bigint();
    for (const r of batch) input.next(r);
    if (i + BATCH >= COUNT) input.complete();
    ns += process.hrtime.bigint() - t;
    const dc = process.cpuUsage(c);
    cpu += (dc.user + dc.system) / 1e6;
  }
  sub.unsubscribe();
  return { seconds: Number(ns) / 1e9, cpuSeconds: cpu, outputs, dead };
}

/**
 * The floor: UTF-8 decoding + `JSON.parse` of the same payloads in a plain loop (no RxJS, no
 * lineage, no validation) — what any JSON reading pipeline pays at least.
 */
function runFloor(): { seconds: number; cpuSeconds: number; outputs: number; dead: number } {
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let outputs = 0;
  let dead = 0;
  let ns = 0n;
  let cpu = 0;
  for (let i = 0; i < COUNT; i += BATCH) {
    const batch = makeBatch(i, Math.min(BATCH, COUNT - i));
    const c = process.cpuUsage();
    const t = process.hrtime.bigint();
    for (const r of batch) {
      try {
        if (JSON.parse(utf8.decode(r.data)) !== undefined) outputs++;
      } catch {
        dead++;
      }
    }
    ns += process.hrtime.bigint() - t;
    const dc = process.cpuUsage(c);
    cpu += (dc.user + dc.system) / 1e6;
  }
  return { seconds: Number(ns) / 1e9, cpuSeconds: cpu, outputs, dead };
}

function heapPerThousandWindows(n: number): number {
  const engine = new WindowEngine<DeviceReading, number[], Record<string, number | null>>({
    assigner: tumbling({ size: 10 * 60_000 }),
    aggregate: perMeasure<DeviceReading>(DEVICE_MEASURES, 'mean'),
    allowedLateness: 0,
  });
  const readings = Array.from({ length: n }, (_, i) => ({
    kind: 'device' as const,
    deviceId: `win-${i}`,
    ts: new Date(T0).toISOString(),
    readings: { iaq: 1, temperature: 2, humidity: 3, voc: 4, pressure: 5, co2: 6 },
  }));
  const keys = readings.map((r) => r.deviceId);
  const out: Flow<WindowResult<Record<string, number | null>>>[] = [];
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < n; i++)
    engine.add(readings[i]!, PositionSet.single('s', i), keys[i]!, T0, out);
  gc();
  const after = process.memoryUsage().heapUsed;
  if (engine.openWindows !== n)
    throw new Error(`expected ${n} open windows, got ${engine.openWindows}`);
  return ((after - before) / n) * 1000;
}

console.log(
  `operators bench: ${COUNT.toLocaleString('en')} readings over ${KEYS.toLocaleString('en')} keys, node ${process.version}`,
);
const rows: Array<Record<string, string>> = [];
const only = process.argv.includes('--stage') ? flag('stage', 1) - 1 : undefined;
gc();
const floor = runFloor();
const floorCpuRate = COUNT / floor.cpuSeconds;
const row = (name: string, r: ReturnType<typeof run>): Record<string, string> => {
  const cpuRate = COUNT / r.cpuSeconds;
  return {
    chain: name,
    'readings/s': Math.round(COUNT / r.seconds).toLocaleString('en'),
    'µs/reading': ((r.seconds * 1e6) / COUNT).toFixed(2),
    'readings/CPU-s': Math.round(cpuRate).toLocaleString('en'),
    'floor ÷ this (CPU)': (floorCpuRate / cpuRate).toFixed(2),
    'vs 200k target (CPU)': (cpuRate / 200_000).toFixed(2),
    outputs: r.outputs.toLocaleString('en'),
    'dead letters': r.dead.toLocaleString('en'),
  };
};
rows.push(row('floor: UTF-8 decode + JSON.parse', floor));
for (const stage of only === undefined ? stages : [stages[only]!]) {
  gc();
  rows.push(row(stage.name, run(stage)));
}
console.table(rows);
const perK = heapPerThousandWindows(50_000);
console.log(
  `heap per 1,000 open windows (tumbling, 6-measure mean, 50,000 keys): ${(perK / 1024).toFixed(1)} KiB`,
);
