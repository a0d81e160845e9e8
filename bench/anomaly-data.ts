/**
 * @module bench/anomaly-data
 * The labelled data sets of `bench:anomaly`, each as per-key series of one-minute readings
 * (wire-shaped `Reading`s, so they pass the same operators as on the stream) plus labels:
 * the device simulator on given seeds; the planted set (the simulator with a fixed schedule:
 * every device gets every fault kind once, at known times); and the public indoor-air and
 * household data with faults injected by the same {@link FaultInjector} at its own seeds
 * (each replica of a series is one key with its own faults; the data itself is unchanged).
 */
import { readFileSync } from 'node:fs';
import {
  DEVICE_MEASURES,
  HOUSEHOLD_MEASURES,
  PLAUSIBLE_RANGES,
  type Reading,
} from '../core/index.js';
import { DeviceSimulator } from '../producers/sources/device-simulator.js';
import {
  FAULT_KINDS,
  FaultInjector,
  type AnomalyLabel,
  type MeasureProfile,
  type PlannedFault,
} from '../producers/sources/faults.js';
import { parseHouseholdRows } from '../producers/sources/household-replay.js';

/** A labelled data set. */
export interface DataSet {
  readonly name: string;
  readonly measures: readonly string[];
  readonly readings: readonly Reading[];
  readonly labels: readonly AnomalyLabel[];
  /** Epoch ms of the first reading; the first day trains the models and is not judged. */
  readonly t0: number;
}

const DAY = 86_400_000;
const MIN = 60_000;
const START = '2026-11-23T00:00:00.000Z';

/**
 * The device simulator on `seed`: `devices` devices for `days` days, faults ≈ once a day from
 * the second day on — the first day trains the models and is fault-free, as in the other sets
 * (a fault in a key's first hours, before the baseline can judge, would become its profile).
 */
export function simulated(seed: number, devices = 8, days = 4): DataSet {
  const labels: AnomalyLabel[] = [];
  const sim = new DeviceSimulator({
    devices,
    seed,
    start: START,
    steps: days * 1440,
    quietSteps: 1440,
    onLabel: (l) => labels.push(l),
  });
  return {
    name: `simulator seed ${seed}`,
    measures: DEVICE_MEASURES,
    readings: [...sim.readings()],
    labels,
    t0: Date.parse(START),
  };
}

/** The planted set: 8 devices, 4 days, no random faults; device i gets all six kinds on days 2–4. */
export function planted(): DataSet {
  const t0 = Date.parse(START);
  const schedule = Array.from({ length: 8 }, (_, device) =>
    FAULT_KINDS.map((kind, k) => ({
      device,
      kind,
      // every 7 h from day 2, shifted per device so the hours of the day vary
      start: t0 + DAY + (k * 7 + device * 2) * 3_600_000 + device * 7 * MIN,
    })),
  ).flat();
  const labels: AnomalyLabel[] = [];
  const sim = new DeviceSimulator({
    devices: 8,
    seed: 42,
    start: START,
    steps: 4 * 1440,
    anomalyRate: 0,
    schedule,
    onLabel: (l) => labels.push(l),
  });
  return {
    name: 'planted set',
    measures: DEVICE_MEASURES,
    readings: [...sim.readings()],
    labels,
    t0,
  };
}

/** Standard deviation of each measure over the first day of `rows` (the injector's scale). */
function profileOf(
  rows: readonly { ts: number; values: Readonly<Record<string, number>> }[],
  ranges: Readonly<Record<string, readonly [number, number]>>,
): Record<string, MeasureProfile> {
  const first = rows.filter((r) => r.ts < (rows[0]?.ts ?? 0) + DAY);
  const out: Record<string, MeasureProfile> = {};
  for (const m of Object.keys(ranges)) {
    const xs = first.map((r) => r.values[m] as number);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    out[m] = { scale: sd > 0 ? sd : 1, range: ranges[m] as readonly [number, number], digits: 4 };
  }
  return out;
}

/** Replicas of one real series as keys, each with faults from the injector at its own seed. */
function injected(
  name: string,
  kind: Reading['kind'],
  rows: readonly { ts: number; values: Readonly<Record<string, number>> }[],
  ranges: Readonly<Record<string, readonly [number, number]>>,
  replicas: number,
  rate: number,
): DataSet {
  const labels: AnomalyLabel[] = [];
  const t0 = rows[0]?.ts ?? 0;
  const readings: Reading[] = [];
  const injector = new FaultInjector({
    profile: profileOf(rows, ranges),
    seed: 7,
    rate,
    quietUntil: t0 + DAY,
    onLabel: (l) => labels.push(l),
  });
  for (const row of rows)
    for (let i = 0; i < replicas; i += 1) {
      const key = `${name}-${i + 1}`;
      const values = injector.apply(key, row.ts, row.values);
      if (!values) continue;
      const ts = new Date(row.ts).toISOString();
      readings.push(
        (kind === 'device'
          ? { kind, deviceId: key, ts, readings: values }
          : { kind, householdId: key, ts, readings: values }) as Reading,
      );
    }
  return { name, measures: Object.keys(ranges), readings, labels, t0 };
}

/**
 * The indoor-air data (`data/indoor_air/occupancy_datatest2.txt`, UCI Occupancy Detection,
 * one office, 6.8 days) as a device: temperature, humidity and CO₂ map onto the device
 * measures; iaq, voc and pressure (not measured there) are held at constant plausible
 * values, which the flat-line detector must learn to ignore.
 */
export function indoorAir(replicas = 6, rate = 0.002): DataSet {
  const text = readFileSync('data/indoor_air/occupancy_datatest2.txt', 'utf8');
  const rows = text
    .split('\n')
    .slice(1)
    .filter((l) => l.trim())
    .map((line) => {
      const [, date, temperature, humidity, co2] = line.split(',');
      return {
        ts: Date.parse(`${(date as string).replace(' ', 'T')}Z`),
        values: {
          iaq: 50,
          temperature: Number(temperature),
          humidity: Number(humidity),
          voc: 0.5,
          pressure: 1013,
          co2: Number(co2),
        },
      };
    });
  const ranges = Object.fromEntries(DEVICE_MEASURES.map((m) => [m, PLAUSIBLE_RANGES[m]]));
  const set = injected('indoor-air', 'device', rows, ranges, replicas, rate);
  return { ...set, name: `indoor air (UCI occupancy, ${replicas} replicas, injected)` };
}

/** The household data (`data/household/`, 2 days) with injected faults. */
export function household(replicas = 6, rate = 0.002): DataSet {
  const rows = parseHouseholdRows(
    readFileSync('data/household/household_power_2006-12-21_22.txt', 'utf8'),
  ).flatMap((r) => (r.readings ? [{ ts: r.ts, values: r.readings }] : []));
  const ranges = Object.fromEntries(HOUSEHOLD_MEASURES.map((m) => [m, PLAUSIBLE_RANGES[m]]));
  const set = injected('household', 'household', rows, ranges, replicas, rate);
  return { ...set, name: `household power (UCI, ${replicas} replicas, injected)` };
}

export type { PlannedFault };
