/**
 * @module chaos/workload
 * What the chaos suite puts into the stream, as pure data: one reading per key per simulated
 * minute (devices and households), a seeded ~1% of them malformed in the three ways a
 * producer can get it wrong (bad JSON, wrong shape, implausible value). Every record carries
 * an identity `key@minute`, recoverable from its result (score line `key#windowStart`) or
 * from its dead letter (the raw payload), so the suite can account for each record.
 * Invariant: at most one record per key and minute, so a non-imputed score line of a window
 * proves that window's one record was processed.
 */
import { prng } from '../core/index.js';

/** How a record is malformed, named as the dead-letter reason it must produce. */
export type Malformation = 'invalid-json' | 'schema' | 'out-of-range';

/** One key of the workload. */
export interface WorkloadKey {
  readonly key: string;
  readonly kind: 'device' | 'household';
}

/** One record to put. */
export interface PlannedRecord {
  readonly key: string;
  readonly kind: WorkloadKey['kind'];
  readonly minute: number;
  /** The payload (UTF-8). */
  readonly data: string;
  /** Set when the record is malformed on purpose. */
  readonly malformed?: Malformation;
}

/** Simulated time of minute 0. */
export const T0 = Date.UTC(2026, 10, 23, 5, 0, 0);
const MIN = 60_000;

/** The identity of a record: `key@minute`. */
export const identity = (key: string, minute: number): string => `${key}@${minute}`;

/** Window start (ISO) of a minute. */
export const windowStartOf = (minute: number): string => new Date(T0 + minute * MIN).toISOString();

/** Minute of a window start or event time (ISO), or undefined. */
export function minuteOf(iso: string): number | undefined {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? Math.floor((t - T0) / MIN) : undefined;
}

/** `devices` device keys then `households` household keys. */
export function workloadKeys(devices: number, households: number): WorkloadKey[] {
  const pad = (n: number) => String(n).padStart(4, '0');
  return [
    ...Array.from({ length: devices }, (_, i) => ({
      key: `dev-${pad(i)}`,
      kind: 'device' as const,
    })),
    ...Array.from({ length: households }, (_, i) => ({
      key: `h-${pad(i)}`,
      kind: 'household' as const,
    })),
  ];
}

/** Uniform draws in [0, 1) from the project's seeded PRNG, so a run's malformed records are reproducible. */
export function seededRandom(seed: number): () => number {
  const rng = prng(seed);
  return () => rng.next();
}

/** A plausible reading of `key` at `minute` (smooth, different per key). */
export function reading(k: WorkloadKey, minute: number, index: number): Record<string, unknown> {
  const w = Math.sin(minute / 4 + index);
  const ts = new Date(T0 + minute * MIN + 10_000).toISOString();
  if (k.kind === 'device')
    return {
      kind: 'device',
      deviceId: k.key,
      ts,
      readings: {
        iaq: 60 + 3 * w,
        temperature: 21 + w / 5,
        humidity: 40 + w,
        voc: 0.5,
        pressure: 1013,
        co2: 600 + 10 * w,
      },
    };
  return {
    kind: 'household',
    householdId: k.key,
    ts,
    readings: {
      globalActivePower: 1.2 + 0.2 * w,
      globalReactivePower: 0.1,
      voltage: 236 + w,
      globalIntensity: 5 + w,
      subMetering1: 0,
      subMetering2: 1,
      subMetering3: 17,
    },
  };
}

/** A malformed payload of the given kind, tagged with the record's identity where it can be. */
function malformedData(k: WorkloadKey, minute: number, index: number, how: Malformation): string {
  const id = identity(k.key, minute);
  switch (how) {
    case 'invalid-json':
      return `{"kind":"${k.kind}","chaos":"${id}", oops`;
    case 'schema':
      return JSON.stringify({ kind: k.kind, chaos: id, ts: 'noon' });
    case 'out-of-range': {
      const r = reading(k, minute, index);
      return JSON.stringify({ ...r, readings: { ...(r.readings as object), humidity: 140 } });
    }
  }
}

/**
 * The records of one minute, one per key; each is malformed with probability `rate` (drawn
 * from `random`), cycling through the malformations a key's kind can have (households are
 * not range-checked, so they get only bad JSON and wrong shapes).
 */
export function minuteRecords(
  keys: readonly WorkloadKey[],
  minute: number,
  rate: number,
  random: () => number,
): PlannedRecord[] {
  return keys.map((k, index) => {
    if (rate > 0 && random() < rate) {
      const kinds: Malformation[] =
        k.kind === 'device'
          ? ['invalid-json', 'schema', 'out-of-range']
          : ['invalid-json', 'schema'];
      const how = kinds[Math.floor(random() * kinds.length)] as Malformation;
      return {
        key: k.key,
        kind: k.kind,
        minute,
        data: malformedData(k, minute, index, how),
        malformed: how,
      };
    }
    return { key: k.key, kind: k.kind, minute, data: JSON.stringify(reading(k, minute, index)) };
  });
}

/**
 * The identity named by a dead letter's raw payload: the `chaos` tag of bad JSON or a wrong
 * shape, else the key and event time of a reading.
 */
export function identityOfRaw(raw: unknown): string | undefined {
  if (typeof raw === 'string') {
    const tag = /"chaos":"([^"]+)"/.exec(raw);
    if (tag?.[1]) return tag[1];
    try {
      return identityOfRaw(JSON.parse(raw) as unknown);
    } catch {
      return undefined;
    }
  }
  if (raw === null || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.chaos === 'string') return r.chaos;
  const key = typeof r.deviceId === 'string' ? r.deviceId : r.householdId;
  const minute = typeof r.ts === 'string' ? minuteOf(r.ts) : undefined;
  return typeof key === 'string' && minute !== undefined ? identity(key, minute) : undefined;
}
