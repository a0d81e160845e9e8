/**
 * @module producers/sources/device-simulator
 * Simulated indoor-air-quality devices: one `device` reading a minute per device (iaq,
 * temperature, humidity, voc, pressure, co2) with daily occupancy cycles, noise, gaps in
 * transmission, and injected anomalies whose ground truth is reported as labels, so the
 * anomaly pipeline can be scored. Pure and deterministic: the same seed gives the same
 * readings and labels, and device `i` behaves the same whatever the number of devices.
 */
import type { DeviceReading } from '../../core/index.js';
import { prng, seedOf, type Prng } from './prng.js';

/** Kinds of injected anomaly. */
export type AnomalyKind = 'spike' | 'shift' | 'stuck';

/** Ground truth of one injected anomaly: readings of `deviceId` in [start, end] are abnormal. */
export interface AnomalyLabel {
  readonly deviceId: string;
  readonly kind: AnomalyKind;
  /** ISO instant of the first abnormal reading. */
  readonly start: string;
  /** ISO instant of the last abnormal reading (inclusive). */
  readonly end: string;
  /** Measures made abnormal. */
  readonly measures: readonly string[];
}

/** Options of {@link DeviceSimulator}. */
export interface DeviceSimulatorOptions {
  /** Number of devices. */
  readonly devices: number;
  /** Seed of everything random; default 1. */
  readonly seed?: number;
  /** Simulated time of the first reading; default 2026-11-23T00:00:00Z. */
  readonly start?: string | Date;
  /** Simulated time between readings of a device; default 60,000 ms. */
  readonly intervalMs?: number;
  /** Time steps to simulate; default unbounded. */
  readonly steps?: number;
  /** Probability per device and step that a transmission gap starts; default 0.002. */
  readonly gapRate?: number;
  /** Longest gap in steps; default 30. */
  readonly maxGapSteps?: number;
  /** Probability per device and step that an anomaly starts; default 0.0007 (≈ 1/day). */
  readonly anomalyRate?: number;
  /** Receives each anomaly label when the anomaly starts. */
  readonly onLabel?: (label: AnomalyLabel) => void;
}

interface Device {
  readonly id: string;
  readonly rng: Prng;
  readonly baseTemp: number;
  readonly baseHumidity: number;
  readonly occupancy: number;
  pressure: number;
  gapLeft: number;
  anomaly?: { kind: AnomalyKind; left: number; frozen?: DeviceReading['readings'] };
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** A deterministic fleet of simulated devices. */
export class DeviceSimulator {
  /** Device ids (16 upper-case hex digits, like the real sensors). */
  readonly deviceIds: readonly string[];
  private readonly o: Required<Omit<DeviceSimulatorOptions, 'onLabel' | 'start'>> & {
    readonly start: number;
    readonly onLabel: (label: AnomalyLabel) => void;
  };

  constructor(options: DeviceSimulatorOptions) {
    const {
      devices,
      seed = 1,
      start = '2026-11-23T00:00:00.000Z',
      intervalMs = 60_000,
      steps = Number.POSITIVE_INFINITY,
      gapRate = 0.002,
      maxGapSteps = 30,
      anomalyRate = 0.0007,
      onLabel = () => undefined,
    } = options;
    if (!Number.isInteger(devices) || devices < 1) throw new RangeError('devices must be ≥ 1');
    if (!(intervalMs > 0)) throw new RangeError('intervalMs must be positive');
    const startMs = new Date(start).getTime();
    if (Number.isNaN(startMs)) throw new RangeError(`start is not a date: ${String(start)}`);
    this.o = {
      devices,
      seed,
      start: startMs,
      intervalMs,
      steps,
      gapRate,
      maxGapSteps,
      anomalyRate,
      onLabel,
    };
    this.deviceIds = Array.from({ length: devices }, (_, i) => deviceId(seed, i));
  }

  /** The readings in time order (all devices for one step, then the next step). */
  *readings(): Generator<DeviceReading> {
    const devices = this.deviceIds.map((id) => newDevice(id, this.o.seed));
    for (let step = 0; step < this.o.steps; step += 1) {
      const t = this.o.start + step * this.o.intervalMs;
      for (const d of devices) {
        const reading = this.next(d, t);
        if (reading) yield reading;
      }
    }
  }

  private next(d: Device, t: number): DeviceReading | undefined {
    const normal = baseline(d, t);
    if (d.gapLeft > 0) {
      d.gapLeft -= 1;
      return undefined;
    }
    if (!d.anomaly && d.rng.next() < this.o.gapRate) {
      d.gapLeft = d.rng.int(1, this.o.maxGapSteps) - 1;
      return undefined;
    }
    if (!d.anomaly && d.rng.next() < this.o.anomalyRate) this.startAnomaly(d, t, normal);
    const readings = d.anomaly ? abnormal(d, normal) : normal;
    if (d.anomaly) {
      d.anomaly.left -= 1;
      if (d.anomaly.left <= 0) delete d.anomaly;
    }
    return { kind: 'device', deviceId: d.id, ts: new Date(t).toISOString(), readings };
  }

  private startAnomaly(d: Device, t: number, normal: DeviceReading['readings']): void {
    const kinds: AnomalyKind[] = ['spike', 'shift', 'stuck'];
    const kind = kinds[d.rng.int(0, 2)]!;
    const length =
      kind === 'spike' ? 1 : kind === 'shift' ? d.rng.int(30, 120) : d.rng.int(60, 240);
    d.anomaly = { kind, left: length, ...(kind === 'stuck' ? { frozen: normal } : {}) };
    const measures =
      kind === 'spike'
        ? ['co2', 'voc', 'iaq']
        : kind === 'shift'
          ? ['iaq', 'voc']
          : Object.keys(normal);
    this.o.onLabel({
      deviceId: d.id,
      kind,
      start: new Date(t).toISOString(),
      end: new Date(t + (length - 1) * this.o.intervalMs).toISOString(),
      measures,
    });
  }
}

function deviceId(seed: number, index: number): string {
  const r = prng(seedOf(`device:${seed}:${index}`));
  const word = () => r.int(0, 0xffff).toString(16).toUpperCase().padStart(4, '0');
  return `${word()}${word()}${word()}${word()}`;
}

function newDevice(id: string, seed: number): Device {
  const rng = prng(seedOf(`state:${seed}:${id}`));
  return {
    id,
    rng,
    baseTemp: rng.between(19.5, 23),
    baseHumidity: rng.between(35, 50),
    occupancy: rng.between(250, 700),
    pressure: rng.between(1005, 1020),
    gapLeft: 0,
  };
}

/** Normal behaviour: daily cycle of occupancy, weather tide, noise. */
function baseline(d: Device, t: number): DeviceReading['readings'] {
  const hour = (t % 86_400_000) / 3_600_000;
  const occupied = hour >= 7 && hour <= 22 ? Math.sin((Math.PI * (hour - 7)) / 15) : 0;
  const daily = Math.sin((2 * Math.PI * (hour - 9)) / 24);
  const n = () => d.rng.normal();
  d.pressure += 0.02 * n() + 0.001 * (1013 - d.pressure);
  const co2 = 420 + d.occupancy * occupied + 15 * n();
  const voc = Math.max(0.05, 0.3 + (1.2 * occupied * (co2 - 420)) / 700 + 0.05 * n());
  return {
    iaq: round(clamp(25 + 60 * voc + 3 * n(), 0, 500), 1),
    temperature: round(d.baseTemp + 1.5 * daily + 0.8 * occupied + 0.1 * n(), 2),
    humidity: round(clamp(d.baseHumidity - 4 * daily + 3 * occupied + 0.5 * n(), 0, 100), 2),
    voc: round(voc, 3),
    pressure: round(d.pressure + 0.5 * Math.sin((4 * Math.PI * hour) / 24), 2),
    co2: Math.round(clamp(co2, 250, 40_000)),
  };
}

function abnormal(d: Device, normal: DeviceReading['readings']): DeviceReading['readings'] {
  const a = d.anomaly!;
  if (a.kind === 'stuck') return a.frozen!;
  if (a.kind === 'spike') {
    return {
      ...normal,
      co2: Math.round(normal.co2 * 3),
      voc: round(normal.voc * 8, 3),
      iaq: round(clamp(normal.iaq * 4, 0, 500), 1),
    };
  }
  return {
    ...normal,
    iaq: round(clamp(normal.iaq + 150, 0, 500), 1),
    voc: round(normal.voc * 4, 3),
  };
}
