/**
 * @module producers/sources/device-simulator
 * Simulated indoor-air-quality devices: one `device` reading a minute per device (iaq,
 * temperature, humidity, voc, pressure, co2) with daily occupancy cycles, noise, short
 * unlabelled transmission gaps (1–`maxGapSteps` minutes), and sensor faults from the one
 * {@link FaultInjector} — spikes, level shifts, drifts, stuck sensors, dropouts and values
 * outside the physical range — whose ground truth is reported as labels, so the anomaly
 * pipeline can be scored. Pure and deterministic: the same seed gives the same readings and
 * labels, and device `i` behaves the same whatever the number of devices.
 */
import { ConfigError, PLAUSIBLE_RANGES, type DeviceReading } from '../../core/index.js';
import {
  FaultInjector,
  type AnomalyLabel,
  type FaultKind,
  type MeasureProfile,
  type PlannedFault,
} from './faults.js';
import { prng, seedOf, type Prng } from '../../core/index.js';

/** Kinds of injected anomaly (the fault kinds). */
export type AnomalyKind = FaultKind;
export type { AnomalyLabel };

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
  /** Probability per device and step that a (normal, unlabelled) transmission gap starts; default 0.002. */
  readonly gapRate?: number;
  /** Longest transmission gap in steps; default 3 (longer silences are labelled dropouts). */
  readonly maxGapSteps?: number;
  /** Probability per device and step that a fault starts; default 0.0007 (≈ 1/day). */
  readonly anomalyRate?: number;
  /** Kinds of fault drawn; default all. */
  readonly kinds?: readonly AnomalyKind[];
  /** Faults at planned times (device index → key), in addition to random ones. */
  readonly schedule?: readonly (Omit<PlannedFault, 'key'> & { readonly device: number })[];
  /** No random fault before this many steps (a clean warm-up); default 0. */
  readonly quietSteps?: number;
  /** Receives each anomaly label when the anomaly starts. */
  readonly onLabel?: (label: AnomalyLabel) => void;
}

/** Typical variation and physical range of each device measure (the injector's profile). */
export const DEVICE_PROFILE: Readonly<Record<string, MeasureProfile>> = {
  iaq: { scale: 20, range: PLAUSIBLE_RANGES.iaq, digits: 1 },
  temperature: { scale: 1.2, range: PLAUSIBLE_RANGES.temperature, digits: 2 },
  humidity: { scale: 3.5, range: PLAUSIBLE_RANGES.humidity, digits: 2 },
  voc: { scale: 0.3, range: PLAUSIBLE_RANGES.voc, digits: 3 },
  pressure: { scale: 2, range: PLAUSIBLE_RANGES.pressure, digits: 2 },
  co2: { scale: 180, range: PLAUSIBLE_RANGES.co2, digits: 0 },
};

interface Device {
  readonly id: string;
  readonly rng: Prng;
  readonly baseTemp: number;
  readonly baseHumidity: number;
  readonly occupancy: number;
  pressure: number;
  gapLeft: number;
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** A deterministic fleet of simulated devices. */
export class DeviceSimulator {
  /** Device ids (16 upper-case hex digits, like the real sensors). */
  readonly deviceIds: readonly string[];
  private readonly o: Required<
    Omit<DeviceSimulatorOptions, 'onLabel' | 'start' | 'kinds' | 'schedule'>
  > & { readonly start: number };
  private readonly options: DeviceSimulatorOptions;

  constructor(options: DeviceSimulatorOptions) {
    const {
      devices,
      seed = 1,
      start = '2026-11-23T00:00:00.000Z',
      intervalMs = 60_000,
      steps = Number.POSITIVE_INFINITY,
      gapRate = 0.002,
      maxGapSteps = 3,
      anomalyRate = 0.0007,
      quietSteps = 0,
    } = options;
    if (!Number.isInteger(devices) || devices < 1)
      throw new ConfigError('devices', 'must be an integer ≥ 1');
    if (!(intervalMs > 0)) throw new ConfigError('intervalMs', 'must be positive');
    const startMs = new Date(start).getTime();
    if (Number.isNaN(startMs)) throw new ConfigError('start', `is not a date: ${String(start)}`);
    this.o = {
      devices,
      seed,
      start: startMs,
      intervalMs,
      steps,
      gapRate,
      maxGapSteps,
      anomalyRate,
      quietSteps,
    };
    this.options = options;
    this.deviceIds = Array.from({ length: devices }, (_, i) => deviceId(seed, i));
  }

  /** The readings in time order (all devices for one step, then the next step). */
  *readings(): Generator<DeviceReading> {
    const devices = this.deviceIds.map((id) => newDevice(id, this.o.seed));
    const faults = new FaultInjector({
      profile: DEVICE_PROFILE,
      seed: this.o.seed,
      rate: this.o.anomalyRate,
      intervalMs: this.o.intervalMs,
      quietUntil: this.o.start + this.o.quietSteps * this.o.intervalMs,
      ...(this.options.kinds ? { kinds: this.options.kinds } : {}),
      schedule: (this.options.schedule ?? []).flatMap((p) => {
        const key = this.deviceIds[p.device];
        return key === undefined ? [] : [{ ...p, key }];
      }),
      ...(this.options.onLabel ? { onLabel: this.options.onLabel } : {}),
    });
    for (let step = 0; step < this.o.steps; step += 1) {
      const t = this.o.start + step * this.o.intervalMs;
      for (const d of devices) {
        const normal = baseline(d, t);
        if (d.gapLeft > 0) {
          d.gapLeft -= 1;
          continue;
        }
        const gapDraw = d.rng.next(); // drawn always, so faults never shift the normal readings
        if (!faults.inFault(d.id) && gapDraw < this.o.gapRate) {
          d.gapLeft = d.rng.int(1, this.o.maxGapSteps) - 1;
          continue;
        }
        const readings = faults.apply(d.id, t, normal);
        if (readings)
          yield {
            kind: 'device',
            deviceId: d.id,
            ts: new Date(t).toISOString(),
            readings: readings as DeviceReading['readings'],
          };
      }
    }
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
