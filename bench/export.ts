/**
 * @module bench/export
 * `npm run bench:export`: encoding one day of device readings (rows of time, device id and
 * six measures) as CSV and as Parquet with the two maintained JavaScript Parquet writers
 * that run on Node 20 here — hyparquet-writer (pure JS, what `shardflow export` uses) and
 * parquet-wasm (Rust's arrow-rs in WebAssembly, fed an Apache Arrow table) — side by side in
 * one run: rows per CPU-second (median of 3 interleaved rounds) and bytes per row.
 */
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { Compression, Table, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm';
import { prng } from '../core/index.js';
import { DEVICES_TABLE, toCsv, toParquet, type Cell } from '../lake/index.js';
import { FIGURES, machine, table } from './report.js';

const DEVICES = 140;
const MINUTES = 1440;
const rows: Cell[][] = [];
const rng = prng(7);
const rand = () => rng.next();
for (let d = 0; d < DEVICES; d += 1) {
  for (let m = 0; m < MINUTES; m += 1) {
    rows.push([
      Date.UTC(2026, 10, 23) + m * 60_000,
      `device-${String(d).padStart(4, '0')}`,
      Math.round((40 + 20 * rand()) * 100) / 100,
      Math.round((20 + 3 * rand()) * 100) / 100,
      Math.round((40 + 10 * rand()) * 100) / 100,
      Math.round(rand() * 1000) / 1000,
      Math.round((1013 + rand()) * 10) / 10,
      Math.round(400 + 300 * rand()),
    ]);
  }
}

const wasm = (): Uint8Array => {
  const columns: Record<string, unknown[]> = {};
  DEVICES_TABLE.columns.forEach((c, i) => {
    columns[c.name] = rows.map((r) =>
      c.type === 'timestamp' ? new Date(r[i] as number) : (r[i] as number | string),
    );
  });
  const arrow = tableFromArrays(columns as Parameters<typeof tableFromArrays>[0]);
  const props = new WriterPropertiesBuilder().setCompression(Compression.SNAPPY).build();
  return writeParquet(Table.fromIPCStream(tableToIPC(arrow, 'stream')), props);
};

const writers: [string, () => Uint8Array][] = [
  ['CSV (lake/encode toCsv)', () => Buffer.from(toCsv(DEVICES_TABLE, rows))],
  ['Parquet: hyparquet-writer (used)', () => toParquet(DEVICES_TABLE, rows)],
  ['Parquet: parquet-wasm + apache-arrow', wasm],
];

const cpu = (f: () => Uint8Array): { seconds: number; bytes: number } => {
  const start = process.cpuUsage();
  const bytes = f().byteLength;
  const used = process.cpuUsage(start);
  return { seconds: (used.user + used.system) / 1e6, bytes };
};

for (const [, f] of writers) f(); // warm-up
const samples = writers.map(() => [] as { seconds: number; bytes: number }[]);
for (let round = 0; round < 3; round += 1) writers.forEach(([, f], i) => samples[i]?.push(cpu(f)));

console.log(
  `\nbench:export — ${rows.length.toLocaleString('en')} device rows (${DEVICES} devices × 1 day), ` +
    `${machine()}\n`,
);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const stats = samples.map((s) => ({
  rate: rows.length / median(s.map((x) => x.seconds)),
  bytes: s[0]?.bytes ?? 0,
}));
table(
  ['writer', 'rows / CPU-s', 'bytes / row', 'size ÷ CSV', 'speed ÷ hyparquet-writer'],
  writers.map(([name], i) => {
    const s = stats[i] as { rate: number; bytes: number };
    return [
      name,
      Math.round(s.rate).toLocaleString('en'),
      (s.bytes / rows.length).toFixed(2),
      (s.bytes / (stats[0]?.bytes ?? 1)).toFixed(3),
      (s.rate / (stats[1]?.rate ?? 1)).toFixed(2),
    ];
  }),
  FIGURES,
);
