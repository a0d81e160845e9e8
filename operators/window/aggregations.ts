/**
 * @module operators/window/aggregations
 * Incremental window aggregations: an {@link Aggregator} folds elements into an
 * accumulator as they arrive (O(1) memory per window for the built-ins) and can merge two
 * accumulators, which session windows need when sessions join.
 */

/**
 * How a window folds its elements. `add` and `merge` may mutate and return their first
 * argument (the window owns it); `result` must not mutate.
 *
 * @example
 * ```ts
 * const countAbove: Aggregator<number, number, number> = {
 *   create: () => 0, add: (n, v) => (v > 100 ? n + 1 : n), merge: (a, b) => a + b, result: (n) => n,
 * };
 * ```
 */
export interface Aggregator<T, A, R> {
  create(): A;
  add(accumulator: A, element: T, time: number): A;
  /** Joins two accumulators; required only by session windows. */
  merge?(a: A, b: A): A;
  result(accumulator: A): R;
}

/** A numeric field of an element. */
export type Extract<T> = (element: T) => number;

/** Arithmetic mean (`NaN` for an empty window). @example `mean((r: Reading) => r.readings.iaq)` */
export function mean<T>(get: Extract<T>): Aggregator<T, { sum: number; n: number }, number> {
  return {
    create: () => ({ sum: 0, n: 0 }),
    add: (a, e) => ((a.sum += get(e)), (a.n += 1), a),
    merge: (a, b) => ({ sum: a.sum + b.sum, n: a.n + b.n }),
    result: (a) => (a.n === 0 ? NaN : a.sum / a.n),
  };
}

/** Sum. @example `sum((r: Reading) => r.readings.subMetering1)` */
export function sum<T>(get: Extract<T>): Aggregator<T, number, number> {
  return { create: () => 0, add: (a, e) => a + get(e), merge: (a, b) => a + b, result: (a) => a };
}

/** Minimum (`Infinity` for an empty window). @example `min((r: Reading) => r.readings.voltage)` */
export function min<T>(get: Extract<T>): Aggregator<T, number, number> {
  return {
    create: () => Infinity,
    add: (a, e) => Math.min(a, get(e)),
    merge: Math.min,
    result: (a) => a,
  };
}

/** Maximum (`-Infinity` for an empty window). @example `max((r: Reading) => r.readings.co2)` */
export function max<T>(get: Extract<T>): Aggregator<T, number, number> {
  return {
    create: () => -Infinity,
    add: (a, e) => Math.max(a, get(e)),
    merge: Math.max,
    result: (a) => a,
  };
}

/** Number of elements. @example `count<Reading>()` */
export function count<T>(): Aggregator<T, number, number> {
  return { create: () => 0, add: (a) => a + 1, merge: (a, b) => a + b, result: (a) => a };
}

/**
 * The value with the latest event time (ties: the later arrival), `NaN` for an empty window.
 * @example `last((r: Reading) => r.readings.temperature)`
 */
export function last<T>(get: Extract<T>): Aggregator<T, { t: number; v: number }, number> {
  return {
    create: () => ({ t: -Infinity, v: NaN }),
    add: (a, e, t) => (t >= a.t ? { t, v: get(e) } : a),
    merge: (a, b) => (b.t >= a.t ? b : a),
    result: (a) => a.v,
  };
}

/**
 * A user-supplied reducer. Without `merge` it cannot be used with session windows.
 * @example `reduce({ seed: () => [] as number[], add: (xs, r) => [...xs, r.readings.iaq] })`
 */
export function reduce<T, A, R = A>(spec: {
  seed: () => A;
  add: (accumulator: A, element: T, time: number) => A;
  merge?: (a: A, b: A) => A;
  result?: (accumulator: A) => R;
}): Aggregator<T, A, R> {
  const { seed, add, merge, result = (a: A) => a as unknown as R } = spec;
  return merge === undefined ? { create: seed, add, result } : { create: seed, add, merge, result };
}

/**
 * Several aggregations of the same window at once, by name.
 * @example `combine({ mean: mean(iaq), max: max(iaq), n: count() })`
 */
export function combine<T, S extends Record<string, Aggregator<T, unknown, unknown>>>(
  aggregators: S,
): Aggregator<
  T,
  unknown[],
  { [K in keyof S]: S[K] extends Aggregator<T, unknown, infer R> ? R : never }
> {
  const entries = Object.entries(aggregators);
  return {
    create: () => entries.map(([, a]) => a.create()),
    add: (accs, e, t) => {
      for (let i = 0; i < entries.length; i++)
        accs[i] = (entries[i] as [string, Aggregator<T, unknown, unknown>])[1].add(accs[i], e, t);
      return accs;
    },
    ...(entries.every(([, a]) => a.merge !== undefined)
      ? {
          merge: (x: unknown[], y: unknown[]) =>
            entries.map(([, a], i) => (a.merge as (p: unknown, q: unknown) => unknown)(x[i], y[i])),
        }
      : {}),
    result: (accs) =>
      Object.fromEntries(entries.map(([name, a], i) => [name, a.result(accs[i])])) as {
        [K in keyof S]: S[K] extends Aggregator<T, unknown, infer R> ? R : never;
      },
  };
}

/**
 * One aggregation per measure of a reading-like element (`readings` record), e.g. the mean
 * of every device measure; missing measures are skipped, and a measure never seen is `null`.
 *
 * @example `perMeasure(DEVICE_MEASURES, 'mean')`
 */
export function perMeasure<T extends { readonly readings: Readonly<Record<string, number>> }>(
  measures: readonly string[],
  kind: 'mean' | 'min' | 'max' | 'sum' | 'last',
): Aggregator<T, number[], Record<string, number | null>> {
  // Layout per measure: [value, n, lastTime]
  const n = measures.length;
  return {
    create: () => {
      const a: number[] = new Array<number>(3 * n).fill(0);
      for (let i = 0; i < n; i++) {
        a[3 * i] = kind === 'min' ? Infinity : kind === 'max' ? -Infinity : 0;
        a[3 * i + 2] = -Infinity;
      }
      return a;
    },
    add: (a, e, t) => {
      for (let i = 0; i < n; i++) {
        const v = e.readings[measures[i] as string];
        if (v === undefined) continue;
        const j = 3 * i;
        const cur = a[j] as number;
        if (kind === 'mean' || kind === 'sum') a[j] = cur + v;
        else if (kind === 'min') a[j] = Math.min(cur, v);
        else if (kind === 'max') a[j] = Math.max(cur, v);
        else if (t >= (a[j + 2] as number)) a[j] = v;
        a[j + 1] = (a[j + 1] as number) + 1;
        if (t > (a[j + 2] as number)) a[j + 2] = t;
      }
      return a;
    },
    merge: (x, y) => {
      const out: number[] = new Array<number>(3 * n).fill(0);
      for (let i = 0; i < n; i++) {
        const j = 3 * i;
        const [xv, xn, xt] = [x[j] as number, x[j + 1] as number, x[j + 2] as number];
        const [yv, yn, yt] = [y[j] as number, y[j + 1] as number, y[j + 2] as number];
        out[j] =
          kind === 'min'
            ? Math.min(xv, yv)
            : kind === 'max'
              ? Math.max(xv, yv)
              : kind === 'last'
                ? yt >= xt
                  ? yv
                  : xv
                : xv + yv;
        if (kind === 'last' && yn === 0) out[j] = xv;
        if (kind === 'last' && xn === 0) out[j] = yv;
        out[j + 1] = xn + yn;
        out[j + 2] = Math.max(xt, yt);
      }
      return out;
    },
    result: (a) => {
      const out: Record<string, number | null> = {};
      for (let i = 0; i < n; i++) {
        const cnt = a[3 * i + 1] as number;
        out[measures[i] as string] =
          cnt === 0 ? null : kind === 'mean' ? (a[3 * i] as number) / cnt : (a[3 * i] as number);
      }
      return out;
    },
  };
}
