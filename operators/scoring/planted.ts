/**
 * @module operators/scoring/planted
 * A seeded generator of device-like readings with planted, labelled anomalies — one-minute
 * spikes and level shifts of 30–120 minutes — used to measure the precision and recall
 * of anomaly grades without depending on any other component. Invariant: deterministic
 * given the seed; labels cover exactly the planted readings.
 */
import { seedState, sfc32 } from '../../models/index.js';

/** Options of {@link plantedDevices}. */
export interface PlantedOptions {
  readonly devices: number;
  /** One-minute steps per device. */
  readonly steps: number;
  readonly seed?: number;
  /** Probability per device and step that an anomaly starts; default 0.0007 (≈ 1/day). */
  readonly anomalyRate?: number;
}

/** Readings (values: co2, temperature, voc) and the labels of their planted anomalies. */
export interface Labelled {
  readonly readings: readonly { deviceId: string; t: number; values: number[] }[];
  readonly labels: readonly {
    deviceId: string;
    kind: 'spike' | 'shift';
    start: number;
    end: number;
  }[];
}

/** Generates planted-anomaly readings (see module doc). */
export function plantedDevices(options: PlantedOptions): Labelled {
  const { devices, steps, seed = 1, anomalyRate = 0.0007 } = options;
  const g = sfc32(seedState(seed));
  const normal = () => Math.sqrt(-2 * Math.log(g.nextOpen())) * Math.cos(2 * Math.PI * g.next());
  const readings: { deviceId: string; t: number; values: number[] }[] = [];
  const labels: { deviceId: string; kind: 'spike' | 'shift'; start: number; end: number }[] = [];
  const state = Array.from({ length: devices }, (_, i) => ({
    id: `dev-${i}`,
    occupancy: 250 + 450 * g.next(),
    temp: 19.5 + 3.5 * g.next(),
    left: 0,
    kind: 'spike' as 'spike' | 'shift',
  }));
  for (let step = 0; step < steps; step += 1) {
    const t = step * 60_000;
    const hour = (step / 60) % 24;
    const occupied = hour >= 7 && hour <= 22 ? Math.sin((Math.PI * (hour - 7)) / 15) : 0;
    for (const d of state) {
      let co2 = 420 + d.occupancy * occupied + 15 * normal();
      let voc = Math.max(0.05, 0.3 + (1.2 * occupied * (co2 - 420)) / 700 + 0.05 * normal());
      const temp = d.temp + 1.5 * Math.sin((2 * Math.PI * (hour - 9)) / 24) + 0.1 * normal();
      if (d.left === 0 && step > 240 && g.next() < anomalyRate) {
        d.kind = g.next() < 0.5 ? 'spike' : 'shift';
        d.left = d.kind === 'spike' ? 1 : 30 + Math.floor(91 * g.next());
        labels.push({ deviceId: d.id, kind: d.kind, start: t, end: t + (d.left - 1) * 60_000 });
      }
      if (d.left > 0) {
        if (d.kind === 'spike') {
          co2 *= 3;
          voc *= 8;
        } else voc *= 4;
        d.left -= 1;
      }
      readings.push({ deviceId: d.id, t, values: [co2, temp, voc] });
    }
  }
  return { readings, labels };
}
