import { ForecastSelector, type SelectorState } from './selector.js';
import type { Forecaster } from './forecaster.js';

/** A candidate that extends the window's last slope (exact on a ramp). */
const trend = (inputLength: number, horizon: number): Forecaster => ({
  kind: 'trend',
  inputLength,
  horizon,
  predict: (windows) =>
    windows.map((w) => {
      const last = w[inputLength - 1] as number;
      const slope = last - (w[inputLength - 2] as number);
      return Array.from({ length: horizon }, (_, h) => last + slope * (h + 1));
    }),
  toJSON: () => ({ format: 'shardflow-forecaster', kind: 'trend', inputLength, horizon }),
});

const run = (selector: ForecastSelector, series: (t: number) => number, steps: number) => {
  let state: SelectorState = selector.initialState();
  const outs = [];
  for (let t = 10; t < 10 + steps; t += 1) {
    const window = Array.from({ length: selector.inputLength }, (_, i) =>
      series(t - selector.inputLength + 1 + i),
    );
    const r = selector.step(state, t, window);
    state = r.state;
    outs.push({ t, ...r.forecast });
  }
  return { outs, state };
};

describe('ForecastSelector (Hedge over forecasters per horizon)', () => {
  const selector = new ForecastSelector({ candidates: [trend(4, 3)], warmup: 5 });

  it('forecasts with persistence until a horizon has warmup scored actuals', () => {
    const { outs } = run(selector, (t) => 2 * t, 5);
    for (const o of outs) {
      expect(o.leaders).toEqual(['last-value', 'last-value', 'last-value']);
      expect(o.values).toEqual([2 * o.t, 2 * o.t, 2 * o.t]);
    }
  });

  it('moves to the candidate that is right once it has been scored', () => {
    const { outs } = run(selector, (t) => 2 * t, 30);
    const last = outs.at(-1) as (typeof outs)[number];
    expect(last.leaders).toEqual(['trend', 'trend', 'trend']);
    last.values.forEach((v, h) => expect(v).toBeCloseTo(2 * (last.t + h + 1), 6));
    expect(Math.min(...last.weights)).toBeGreaterThan(0.99);
  });

  it('stays with persistence where the candidate is worse', () => {
    // a zig-zag: the trend candidate extrapolates every swing, persistence is far closer
    const { outs } = run(selector, (t) => (t % 2 === 0 ? 0 : 10), 30);
    const last = outs.at(-1) as (typeof outs)[number];
    const lastValue = last.t % 2 === 0 ? 0 : 10;
    expect(last.leaders).toEqual(['last-value', 'last-value', 'last-value']);
    last.values.forEach((v) => expect(v).toBeCloseTo(lastValue, 6));
  });

  it('averages every error scored so far until the discount takes over (no weight on the first)', () => {
    // persistence on a series that jumps by 60 once, then stays flat: one error of 60, then 0s
    const s = new ForecastSelector({ candidates: [trend(4, 1)], discount: 0.005, warmup: 0 });
    const { state } = run(s, (t) => (t <= 10 ? 0 : 60), 61);
    // 60 errors scored at h=1: one of 60 and 59 of 0 — their mean is 1, not 60 × 0.995^59
    expect(state.scored[0]).toBe(60);
    expect(state.errors[0]?.[0]).toBeCloseTo(1, 9);
  });

  /** A one-step candidate forecasting `last + offset(t)` (t: the window's last value / 2). */
  const offset = (kind: string, by: (t: number) => number): Forecaster => ({
    ...trend(4, 1),
    kind,
    predict: (ws) => ws.map((w) => [(w[3] as number) + by((w[3] as number) / 2)]),
  });
  const ramp = (t: number) => 2 * t;
  // on the ramp persistence errs by 2; this candidate by 1.96 (98 % of persistence's error)
  const close = offset('close', () => 0.04);

  it('leaves a horizon to persistence unless a candidate is better by more than the margin', () => {
    const options = { candidates: [close], warmup: 5, gate: false, shortMargin: 0 };
    const strict = new ForecastSelector({ ...options, margin: 0.05 });
    const loose = new ForecastSelector({ ...options, margin: 0 });
    expect(run(strict, ramp, 30).outs.at(-1)?.leaders).toEqual(['last-value']);
    expect(run(loose, ramp, 30).outs.at(-1)?.leaders).toEqual(['close']);
    expect(() => new ForecastSelector({ candidates: [close], margin: -1 })).toThrow(/margin/);
  });

  it('with shortMargin, demands more evidence the shorter the horizon', () => {
    // on the ramp persistence errs by 2 and 4; this candidate by 96 % of that at both
    const both: Forecaster = {
      ...trend(4, 2),
      kind: 'close',
      predict: (ws) => ws.map((w) => [1, 2].map((h) => (w[3] as number) + 0.08 * h)),
    };
    const options = { candidates: [both], warmup: 5, margin: 0, gate: true };
    // handicaps 1 + 0.06 / 1 = 1.06 (0.96 × 1.06 > 1) and 1 + 0.06 / 2 = 1.03 (< 1)
    const short = run(new ForecastSelector({ ...options, shortMargin: 0.06 }), ramp, 30);
    const flat = run(new ForecastSelector({ ...options, shortMargin: 0 }), ramp, 30);
    const last = short.outs.at(-1);
    expect(last?.leaders).toEqual(['last-value', 'close']);
    expect(last?.values[0]).toBe(2 * 39);
    expect(flat.outs.at(-1)?.leaders).toEqual(['close', 'close']);
    expect(new ForecastSelector({ ...options, shortMargin: 0.06 }).settings.shortMargin).toBe(0.06);
    expect(() => new ForecastSelector({ candidates: [], shortMargin: -1 })).toThrow(/shortMargin/);
  });

  it('with gate, gives no weight at all to a candidate that does not beat persistence', () => {
    const options = { candidates: [close], warmup: 5, temperature: 1, margin: 0.05 };
    const soft = run(new ForecastSelector({ ...options, gate: false }), ramp, 30).outs.at(-1);
    const hard = run(new ForecastSelector({ ...options, gate: true }), ramp, 30).outs.at(-1);
    // the soft mix leaks part of the way towards the candidate, the gated one does not
    expect(soft?.values[0]).toBeGreaterThan(2 * 39 + 0.001);
    expect(hard?.values).toEqual([2 * 39]);
    expect(hard?.weights).toEqual([1]);
  });

  it('with confidence, keeps a candidate out that is better on average only by luck', () => {
    // right on even steps, 3.6 off on odd ones: mean error 1.8 < 2, but the difference from
    // persistence's error swings by ±1.8, far more than its mean (−0.2)
    const lucky = offset('lucky', (t) => (t % 2 === 0 ? 2 : 5.6));
    const steady = offset('steady', () => 0.1); // always errs by 1.9: a sure 5 % better
    const options = { warmup: 5, margin: 0, shortMargin: 0, discount: 0.05, gate: true };
    const last = (candidates: Forecaster[], confidence: number) =>
      run(new ForecastSelector({ ...options, candidates, confidence }), ramp, 200).outs.at(-1);
    expect(last([lucky], 0)?.leaders).toEqual(['lucky']);
    expect(last([lucky], 2)?.leaders).toEqual(['last-value']);
    expect(last([lucky], 2)?.values).toEqual([2 * 209]);
    expect(last([steady], 3)?.leaders).toEqual(['steady']);
    expect(() => new ForecastSelector({ candidates: [], confidence: -1 })).toThrow(/confidence/);
  });

  it('scores a forecast only against the step it was made for (gaps skip)', () => {
    let state = selector.initialState();
    state = selector.step(state, 0, [0, 0, 0, 0]).state;
    // 10 steps later: every pending forecast is older than the horizon, nothing is scored
    state = selector.step(state, 10, [9, 9, 9, 9]).state;
    expect(state.scored).toEqual([0, 0, 0]);
    state = selector.step(state, 12, [9, 9, 9, 11]).state;
    // the forecast made at step 10 for step 12 is horizon index 1
    expect(state.scored).toEqual([0, 1, 0]);
    expect(state.errors[1]).toEqual([2, 2]);
  });

  it('keeps its state as plain JSON (keyed state)', () => {
    const a = run(selector, (t) => Math.sin(t / 3) * 10, 20);
    const restored = JSON.parse(JSON.stringify(a.state)) as SelectorState;
    const w = [1, 2, 3, 4];
    expect(selector.step(restored, 30, w)).toEqual(selector.step(a.state, 30, w));
  });

  it('refuses candidates of other sizes', () => {
    expect(() => new ForecastSelector({ candidates: [trend(4, 3), trend(5, 3)] })).toThrow(
      /inputLength and horizon/,
    );
  });
});
