/**
 * @module operators/normalize/running-stats
 * Running statistics per (key, measure) by Welford's online algorithm: count, mean, M2
 * (sum of squared deviations), min and max, updated in O(1) without storing samples.
 * The store is owned by its creator (the pipeline), which may snapshot it to save and
 * seed it again after a restart, so scaling does not start cold.
 */
import { ConfigError } from '../../core/index.js';

/** Statistics of one series. `m2 / count` is the population variance. */
export interface RunningStats {
  readonly count: number;
  readonly mean: number;
  readonly m2: number;
  readonly min: number;
  readonly max: number;
}

/** A saved store: key → measure → statistics (plain JSON). */
export type StatsSnapshot = Readonly<Record<string, Readonly<Record<string, RunningStats>>>>;

/** The statistics of an empty series. */
export const EMPTY_STATS: RunningStats = {
  count: 0,
  mean: 0,
  m2: 0,
  min: Infinity,
  max: -Infinity,
};

/**
 * One Welford step: the statistics after observing `x`.
 * @example `[1, 2, 3].reduce(welford, EMPTY_STATS).mean // 2`
 */
export function welford(s: RunningStats, x: number): RunningStats {
  const count = s.count + 1;
  const delta = x - s.mean;
  const mean = s.mean + delta / count;
  return {
    count,
    mean,
    m2: s.m2 + delta * (x - mean),
    min: Math.min(s.min, x),
    max: Math.max(s.max, x),
  };
}

/**
 * Population standard deviation (0 for fewer than two samples).
 * @example `stdDev([2, 4, 4, 4, 5, 5, 7, 9].reduce(welford, EMPTY_STATS)) // 2`
 */
export function stdDev(s: RunningStats): number {
  return s.count < 2 ? 0 : Math.sqrt(s.m2 / s.count);
}

/**
 * Mutable running statistics per key and measure, optionally seeded from a snapshot.
 *
 * @example
 * ```ts
 * const stats = new RunningStatsStore(JSON.parse(saved));
 * readings$.pipe(normalize({ scale: { method: 'z-score', stats } }));
 * save(JSON.stringify(stats.snapshot()));
 * ```
 */
export class RunningStatsStore {
  readonly #byKey = new Map<string, Map<string, RunningStats>>();

  constructor(seed: StatsSnapshot = {}) {
    for (const [key, measures] of Object.entries(seed)) {
      const m = new Map<string, RunningStats>();
      for (const [measure, stats] of Object.entries(measures)) {
        if (!(stats.count >= 0) || !Number.isFinite(stats.mean) || !(stats.m2 >= 0)) {
          throw new ConfigError('seed', `invalid statistics for ${key}/${measure}`);
        }
        m.set(measure, { ...stats });
      }
      this.#byKey.set(key, m);
    }
  }

  /** Statistics of one series (empty if never seen). @example `stats.get('dev-1', 'iaq').mean` */
  get(key: string, measure: string): RunningStats {
    return this.#byKey.get(key)?.get(measure) ?? EMPTY_STATS;
  }

  /** Observes one value and returns the updated statistics. @example `stats.update('dev-1', 'iaq', 50)` */
  update(key: string, measure: string, value: number): RunningStats {
    let m = this.#byKey.get(key);
    if (m === undefined) {
      m = new Map();
      this.#byKey.set(key, m);
    }
    const next = welford(m.get(measure) ?? EMPTY_STATS, value);
    m.set(measure, next);
    return next;
  }

  /** A JSON-safe copy of every series (min/max of empty series are omitted by JSON as null). */
  snapshot(): StatsSnapshot {
    const out: Record<string, Record<string, RunningStats>> = {};
    for (const [key, m] of this.#byKey) out[key] = Object.fromEntries(m);
    return out;
  }
}
