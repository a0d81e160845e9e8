import { PLAUSIBLE_RANGES, deviceReadingSchema, type DeviceReading } from '../../core/index.js';
import { DeviceSimulator, type AnomalyLabel } from './device-simulator.js';

const run = (options: ConstructorParameters<typeof DeviceSimulator>[0]) => {
  const labels: AnomalyLabel[] = [];
  const sim = new DeviceSimulator({ ...options, onLabel: (l) => labels.push(l) });
  return { sim, readings: [...sim.readings()], labels };
};

describe('DeviceSimulator', () => {
  it('is deterministic from its seed, and device i does not depend on the fleet size', () => {
    const a = run({ devices: 3, steps: 500, seed: 7 });
    const b = run({ devices: 3, steps: 500, seed: 7 });
    expect(b.readings).toEqual(a.readings);
    expect(b.labels).toEqual(a.labels);
    const c = run({ devices: 5, steps: 500, seed: 7 });
    const first = (rs: DeviceReading[]) => rs.filter((r) => r.deviceId === a.sim.deviceIds[0]);
    expect(first(c.readings)).toEqual(first(a.readings));
    expect(run({ devices: 3, steps: 50, seed: 8 }).readings).not.toEqual(a.readings.slice(0, 150));
  });

  it('emits schema-valid readings one simulated minute apart, in time order, with gaps', () => {
    const { sim, readings } = run({ devices: 4, steps: 1440, gapRate: 0.01 });
    for (const r of readings.slice(0, 200)) expect(deviceReadingSchema.parse(r)).toEqual(r);
    expect(sim.deviceIds.every((id) => /^[0-9A-F]{16}$/.test(id))).toBe(true);
    const times = readings.map((r) => Date.parse(r.ts));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    expect(times.every((t) => t % 60_000 === 0)).toBe(true);
    // Gaps: fewer readings than devices × steps, but most minutes are there.
    expect(readings.length).toBeLessThan(4 * 1440);
    expect(readings.length).toBeGreaterThan(0.7 * 4 * 1440);
  });

  it('follows a daily occupancy cycle (CO₂ higher in the afternoon than at night)', () => {
    const { readings } = run({ devices: 3, steps: 1440, anomalyRate: 0, gapRate: 0 });
    const mean = (hour: number) => {
      const at = readings.filter((r) => new Date(r.ts).getUTCHours() === hour);
      return at.reduce((s, r) => s + r.readings.co2, 0) / at.length;
    };
    expect(mean(15)).toBeGreaterThan(mean(3) + 150);
  });

  it('labels every injected fault of every kind, and the labelled readings are faulty', () => {
    const { readings, labels } = run({
      devices: 4,
      steps: 4 * 1440,
      anomalyRate: 0.004,
      gapRate: 0,
    });
    expect(new Set(labels.map((l) => l.kind))).toEqual(
      new Set(['spike', 'shift', 'drift', 'stuck', 'dropout', 'range']),
    );
    const clean = run({ devices: 4, steps: 4 * 1440, anomalyRate: 0, gapRate: 0 }).readings;
    const truth = new Map(clean.map((r) => [`${r.deviceId}|${r.ts}`, r.readings]));
    for (const label of labels) {
      const inside = readings.filter(
        (r) => r.deviceId === label.deviceId && r.ts >= label.start && r.ts <= label.end,
      );
      if (label.kind === 'dropout') {
        expect(inside).toEqual([]);
        continue;
      }
      expect(inside.length).toBeGreaterThan(0);
      if (label.kind === 'stuck') {
        expect(new Set(inside.map((r) => JSON.stringify(r.readings))).size).toBe(1);
        continue;
      }
      for (const r of inside) {
        const normal = truth.get(`${r.deviceId}|${r.ts}`) as Record<string, number>;
        const values = r.readings as Record<string, number>;
        // only the labelled measures differ from the fault-free run
        for (const m of Object.keys(values))
          if (!label.measures.includes(m)) expect(values[m]).toBe(normal[m]);
        const [m] = label.measures as [string];
        if (label.kind === 'range') {
          const [lo, hi] = PLAUSIBLE_RANGES[m as keyof typeof PLAUSIBLE_RANGES];
          expect(values[m]! < lo || values[m]! > hi).toBe(true);
        }
      }
    }
  });

  it('plays planned faults at their times (device index → key), in a clean warm-up', () => {
    const { sim, readings, labels } = run({
      devices: 2,
      steps: 600,
      gapRate: 0,
      quietSteps: 600,
      schedule: [
        { device: 1, kind: 'dropout', start: Date.parse('2026-11-23T05:00:00Z'), length: 10 },
      ],
    });
    expect(labels).toEqual([
      {
        deviceId: sim.deviceIds[1],
        kind: 'dropout',
        start: '2026-11-23T05:00:00.000Z',
        end: '2026-11-23T05:09:00.000Z',
        measures: ['iaq', 'temperature', 'humidity', 'voc', 'pressure', 'co2'],
      },
    ]);
    expect(readings.filter((r) => r.deviceId === sim.deviceIds[1])).toHaveLength(590);
  });
});
