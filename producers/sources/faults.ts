/**
 * @module producers/sources/faults
 * The one model of sensor faults: a seeded injector that turns a key's normal readings into
 * faulty ones and reports the ground truth as labels. Kinds: `spike` (one reading far off),
 * `shift` (a level step for 30–120 readings), `drift` (a ramp away from the truth over
 * 60–240 readings, then recalibrated), `stuck` (every measure frozen for 60–240 readings),
 * `dropout` (no readings for 10–60 steps) and `range` (one measure outside its physical range
 * for 1–10 readings). Magnitudes are in units of each measure's `scale` (its typical
 * variation), so the same injector serves the device simulator and real data sets. Faults
 * start at random (`rate` per key and step) or at planned times (`schedule`). A spike, shift
 * or drift goes the way that stays inside the physical range from the value at its start
 * (clamped at the range it would read a constant, i.e. look stuck). Pure and
 * deterministic: a key's faults depend only on the seed and the key, never on other keys.
 */
import { prng, seedOf, type Prng } from '../../core/index.js';

/** Kinds of injected fault. */
export const FAULT_KINDS = ['spike', 'shift', 'drift', 'stuck', 'dropout', 'range'] as const;
/** A kind of injected fault. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Ground truth of one fault: readings of `deviceId` in [start, end] are faulty (or missing). */
export interface AnomalyLabel {
  readonly deviceId: string;
  readonly kind: FaultKind;
  /** ISO instant of the first faulty (or missing) reading. */
  readonly start: string;
  /** ISO instant of the last faulty (or missing) reading (inclusive). */
  readonly end: string;
  /** Measures made faulty (all of them for `stuck` and `dropout`). */
  readonly measures: readonly string[];
}

/** How a measure varies normally and what it can physically read. */
export interface MeasureProfile {
  /** Typical variation (e.g. its standard deviation over a day). */
  readonly scale: number;
  /** Physical range [min, max]. */
  readonly range: readonly [number, number];
  /** Decimal places of the sensor (faulty values are rounded the same). */
  readonly digits?: number;
}

/** A fault at a planned time. */
export interface PlannedFault {
  readonly key: string;
  readonly kind: FaultKind;
  /** Epoch ms of its first reading. */
  readonly start: number;
  /** Readings (steps) it lasts; default a random length of its kind. */
  readonly length?: number;
}

/** Options of {@link FaultInjector}. */
export interface FaultInjectorOptions {
  readonly profile: Readonly<Record<string, MeasureProfile>>;
  readonly seed?: number;
  /** Probability per key and step that a fault starts; default 0.0007 (≈ 1 a day a minute). */
  readonly rate?: number;
  /** Kinds drawn at random; default all. */
  readonly kinds?: readonly FaultKind[];
  /** Planned faults (added to the random ones). */
  readonly schedule?: readonly PlannedFault[];
  /** Step between readings, ms; default 60,000. */
  readonly intervalMs?: number;
  /** No random fault starts before this epoch ms (a clean warm-up); default none. */
  readonly quietUntil?: number;
  readonly onLabel?: (label: AnomalyLabel) => void;
}

interface Active {
  readonly kind: FaultKind;
  readonly length: number;
  done: number;
  readonly measures: string[];
  readonly offsets: number[];
  frozen?: Record<string, number>;
}

const LENGTHS: Readonly<Record<FaultKind, readonly [number, number]>> = {
  spike: [1, 1],
  shift: [30, 120],
  drift: [60, 240],
  stuck: [60, 240],
  dropout: [10, 60],
  range: [1, 10],
};

/** Seeded fault injector (see module doc). */
export class FaultInjector {
  private readonly o: Required<Omit<FaultInjectorOptions, 'quietUntil'>> & { quietUntil: number };
  private readonly measures: string[];
  private readonly keys = new Map<string, { rng: Prng; active?: Active }>();

  constructor(options: FaultInjectorOptions) {
    const {
      profile,
      seed = 1,
      rate = 0.0007,
      kinds = FAULT_KINDS,
      schedule = [],
      intervalMs = 60_000,
      quietUntil = Number.NEGATIVE_INFINITY,
      onLabel = () => undefined,
    } = options;
    if (!(rate >= 0 && rate < 1)) throw new RangeError('rate must be in [0, 1)');
    if (kinds.length === 0 && rate > 0) throw new RangeError('kinds must not be empty');
    this.o = { profile, seed, rate, kinds, schedule, intervalMs, quietUntil, onLabel };
    this.measures = Object.keys(profile);
  }

  /** True while `key` is in a fault (its readings are being changed or dropped). */
  inFault(key: string): boolean {
    return this.keys.get(key)?.active !== undefined;
  }

  /**
   * The reading of `key` at `t` as the faulty sensor reports it: `readings` changed, the
   * same object when there is no fault, or undefined when the reading is dropped.
   */
  apply(
    key: string,
    t: number,
    readings: Readonly<Record<string, number>>,
  ): Record<string, number> | undefined {
    let k = this.keys.get(key);
    if (!k) this.keys.set(key, (k = { rng: prng(seedOf(`faults:${this.o.seed}:${key}`)) }));
    const planned = this.o.schedule.find((p) => p.key === key && p.start === t);
    const draw = k.rng.next();
    if (!k.active && (planned || (t >= this.o.quietUntil && draw < this.o.rate))) {
      const kind =
        planned?.kind ?? (this.o.kinds[k.rng.int(0, this.o.kinds.length - 1)] as FaultKind);
      k.active = this.start(key, kind, t, readings, k.rng, planned?.length);
    }
    const a = k.active;
    if (!a) return { ...readings };
    const out = this.faulty(a, readings);
    a.done += 1;
    if (a.done >= a.length) delete k.active;
    return out;
  }

  private start(
    key: string,
    kind: FaultKind,
    t: number,
    readings: Readonly<Record<string, number>>,
    rng: Prng,
    plannedLength?: number,
  ): Active {
    const [lo, hi] = LENGTHS[kind];
    const length = plannedLength ?? rng.int(lo, hi);
    const pick = (n: number) => {
      const pool = [...this.measures];
      const out: string[] = [];
      while (out.length < n && pool.length)
        out.push(pool.splice(rng.int(0, pool.length - 1), 1)[0] as string);
      return out;
    };
    const all = kind === 'stuck' || kind === 'dropout';
    const measures = all
      ? [...this.measures]
      : pick(kind === 'range' || kind === 'drift' ? 1 : rng.int(1, 2));
    // a spike, shift or drift goes the way that stays physically possible from the value at
    // its start (one clamped at the range would read a constant: a stuck sensor, not a shift)
    const signed = (m: string, size: number) => {
      const p = this.o.profile[m] as MeasureProfile;
      const v = readings[m] as number;
      const sign = rng.next() < 0.5 ? -1 : 1;
      const fits = (s: number) => v + s * size >= p.range[0] && v + s * size <= p.range[1];
      return (fits(sign) || !fits(-sign) ? sign : -sign) * size;
    };
    const offsets = measures.map((m) => {
      const p = this.o.profile[m] as MeasureProfile;
      if (kind === 'spike') return signed(m, rng.between(5, 10) * p.scale);
      if (kind === 'shift') return signed(m, rng.between(3, 6) * p.scale);
      if (kind === 'drift') return signed(m, rng.between(4, 8) * p.scale);
      if (kind === 'range') {
        const span = p.range[1] - p.range[0];
        return rng.next() < 0.5
          ? p.range[0] - rng.between(0.05, 0.5) * span
          : p.range[1] + rng.between(0.05, 0.5) * span;
      }
      return 0;
    });
    this.o.onLabel({
      deviceId: key,
      kind,
      start: new Date(t).toISOString(),
      end: new Date(t + (length - 1) * this.o.intervalMs).toISOString(),
      measures,
    });
    return {
      kind,
      length,
      done: 0,
      measures,
      offsets,
      ...(kind === 'stuck' ? { frozen: { ...readings } } : {}),
    };
  }

  private faulty(
    a: Active,
    readings: Readonly<Record<string, number>>,
  ): Record<string, number> | undefined {
    if (a.kind === 'dropout') return undefined;
    if (a.kind === 'stuck') return { ...(a.frozen as Record<string, number>) };
    const out = { ...readings };
    a.measures.forEach((m, i) => {
      const p = this.o.profile[m] as MeasureProfile;
      const off = a.offsets[i] as number;
      let v: number;
      if (a.kind === 'range') v = off;
      else {
        const ramp = a.kind === 'drift' ? (a.done + 1) / a.length : 1;
        // stay physically possible: a spike or shift saturates at the range rather than leave it
        v = Math.min(p.range[1], Math.max(p.range[0], (out[m] as number) + ramp * off));
      }
      const f = 10 ** (p.digits ?? 3);
      out[m] = Math.round(v * f) / f;
    });
    return out;
  }
}
