import {
  AnomalyDetector,
  BaselineDetector,
  EventTracker,
  FlatLineDetector,
  GapDetector,
} from './index.js';
import { seedState, sfc32 } from '../../core/index.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Seeded standard normal draws. */
const normal = (seed: number) => {
  const g = sfc32(seedState(seed));
  return () => Math.sqrt(-2 * Math.log(g.nextOpen())) * Math.cos(2 * Math.PI * g.nextOpen());
};
/** A daily cycle (amplitude 10) with noise of sd 1. */
const daily = (n: () => number, t: number) => 50 + 10 * Math.sin((2 * Math.PI * t) / DAY) + n();

describe('BaselineDetector', () => {
  it('learns the daily profile: a day later a normal window is near 0, the cycle is not a departure', () => {
    const n = normal(1);
    const b = new BaselineDetector({ measures: 1 });
    let worst = 0;
    for (let t = 0; t < 3 * DAY; t += MIN) {
      const v = b.update(t, [daily(n, t)]);
      if (t >= 2 * DAY) worst = Math.max(worst, Math.abs(v.z[0] as number));
      expect(v.level + v.drift).toBe(0);
      b.learn(t, [daily(n, t)]);
    }
    // residuals in units of their own size (≈ the noise, sd 1): the cycle (± 10) is gone
    expect(worst).toBeLessThan(6);
    expect(Math.sqrt(b.toJSON().square[0] as number)).toBeLessThan(1.5);
    expect(b.expected(0, 3 * DAY + 6 * HOUR)).toBeCloseTo(60, 0);
  });

  it('the drift statistic fires on a slow ramp the level misses at first, and falls back after it', () => {
    const n = normal(2);
    const b = new BaselineDetector({ measures: 1 });
    const t0 = 3 * DAY;
    for (let t = 0; t < t0; t += MIN) {
      const x = daily(n, t);
      b.update(t, [x]);
      b.learn(t, [x]);
    }
    // +0.05 a minute: 3 units after an hour (residual sd ≈ 1), 6 after two
    const grades: { level: number; drift: number }[] = [];
    for (let i = 0; i < 240; i += 1) {
      const t = t0 + i * MIN;
      const v = b.update(t, [daily(n, t) + (i < 180 ? 0.05 * i : 0)]);
      grades.push({ level: v.level, drift: v.drift });
    }
    const firstDrift = grades.findIndex((g) => g.drift > 0);
    const firstLevel = grades.findIndex((g) => g.level > 0);
    expect(firstDrift).toBeGreaterThan(0);
    expect(firstDrift).toBeLessThan(120);
    expect(firstLevel === -1 || firstDrift < firstLevel).toBe(true);
    // recalibrated at 180: the leaky average is back below its thresholds within an hour
    expect(grades.slice(240 - 10).every((g) => g.drift === 0 && g.level === 0)).toBe(true);
  });

  it('judges nothing during its warm-up and restores exactly from JSON', () => {
    const n = normal(3);
    const b = new BaselineDetector({ measures: 2, warmup: 50 });
    for (let i = 0; i < 50; i += 1) {
      expect(b.update(i * MIN, [1000, 1]).level).toBe(0); // far off: but warming up
      b.learn(i * MIN, [n(), n()]);
    }
    const copy = new BaselineDetector(
      { measures: 2, warmup: 50 },
      JSON.parse(JSON.stringify(b.toJSON())),
    );
    const xs = Array.from({ length: 300 }, (_, i) => [n(), i === 200 ? 40 : n()]);
    const run = (d: BaselineDetector) =>
      xs.map((x, i) => {
        const v = d.update((50 + i) * MIN, x);
        d.learn((50 + i) * MIN, x);
        return v;
      });
    const a = run(b);
    expect(run(copy)).toEqual(a);
    expect(a[200]?.level).toBeGreaterThan(0);
  });
});

describe('FlatLineDetector at rest', () => {
  it('a measure resting at the value it often sits at is no evidence; a frozen whole sensor is', () => {
    const n = normal(4);
    const f = new FlatLineDetector({ measures: ['power', 'sub'] });
    // the sub-meter sits at 0 for 3 hours of every 6, the power reading is noisy
    const power = () => Math.round((1.5 + 0.2 * n()) * 1000) / 1000;
    for (let i = 0; i < 2 * 1440; i += 1) {
      const v = f.update([power(), i % 360 < 180 ? 0 : Math.round(10 + 3 * n())]);
      if (i > 1440) expect(v.grade).toBe(0);
    }
    expect(f.atRest(1, 0)).toBe(true);
    expect(f.atRest(0, 1.5)).toBe(false);
    // the sub-meter resting at 0 while power varies: joint run 0, not stuck
    const resting = Array.from({ length: 200 }, () => f.update([power(), 0]));
    expect(resting.every((v) => v.grade === 0 && v.joint === 0 && v.resting[1])).toBe(true);
    // the whole sensor frozen (sub-meter at its rest value, power frozen): stuck
    const frozen = Array.from({ length: 8 }, () => f.update([1.234, 0]));
    expect(frozen.map((v) => v.joint)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(frozen.slice(3).some((v) => v.grade > 0)).toBe(true);
  });

  it('a slow measure repeating alone is no evidence (the joint run needs every active measure)', () => {
    const n = normal(5);
    const f = new FlatLineDetector({ measures: ['co2', 'pressure'] });
    for (let i = 0; i < 2000; i += 1)
      f.update([Math.round(500 + 20 * n()), Math.round(1013 + n())]);
    const v = Array.from({ length: 30 }, () => f.update([Math.round(500 + 20 * n()), 1013.5]));
    expect(v.every((x) => x.grade === 0)).toBe(true);
    expect(Math.max(...v.map((x) => x.runs[1] as number))).toBe(29);
  });
});

describe('GapDetector.overdue and dropout spans', () => {
  it('judges a gap in progress against a clock and agrees with the verdict on return', () => {
    const g = new GapDetector({ minMissing: 5 });
    let t = 0;
    for (let i = 0; i < 2000; i += 1) g.update((t += MIN));
    expect(g.overdue(t + 3 * MIN)).toBeUndefined(); // 2 missing: normal
    expect(g.overdue(t + 6 * MIN)).toEqual({
      from: t + MIN,
      to: t + 5 * MIN,
      missing: 5,
      grade: expect.any(Number),
    });
    const back = g.update(t + 9 * MIN);
    expect(back).toMatchObject({ from: t + MIN, to: t + 8 * MIN, missing: 8 });
  });

  it('an open dropout span is extended while silent and closed on return with the same start', () => {
    const e = new EventTracker();
    e.update({ time: 0, grade: 0.7, kind: 'spike' });
    const opened = e.openSpan(5 * MIN, 9 * MIN, 5, 0.6, 'dropout');
    expect(opened.map((x) => [x.start, x.kind, x.open])).toEqual([
      [0, 'spike', false],
      [5 * MIN, 'dropout', true],
    ]);
    expect(e.extendSpan(14 * MIN, 10, 0.8)).toMatchObject({
      start: 5 * MIN,
      end: 14 * MIN,
      open: true,
    });
    expect(e.span(5 * MIN, 20 * MIN, 16, 0.9, 'dropout')).toEqual([
      expect.objectContaining({ start: 5 * MIN, end: 20 * MIN, windows: 16, open: false }),
    ]);
    expect(e.current).toBeNull();
  });
});

describe('AnomalyDetector', () => {
  const measures = ['co2', 'temperature'];
  const window = (n: () => number, t: number) => [
    Math.round(600 + 200 * Math.sin((2 * Math.PI * t) / DAY) + 10 * n()),
    Math.round((21 + Math.sin((2 * Math.PI * t) / DAY) + 0.1 * n()) * 100) / 100,
  ];
  const trained = (seed: number) => {
    const n = normal(seed);
    const d = new AnomalyDetector({ measures });
    let t = 0;
    for (; t < 2 * DAY; t += MIN)
      d.update({ time: t, values: window(n, t), score: 0.8 + 0.05 * n() ** 2 });
    return { d, n, t };
  };

  it('silence(now) opens a dropout while the key is silent; its return closes the same event', () => {
    const { d, n, t } = trained(6);
    expect(d.silence(t + 2 * MIN)).toEqual([]);
    const opened = d.silence(t + 10 * MIN);
    expect(opened).toEqual([
      expect.objectContaining({ kind: 'dropout', start: t, end: t + 9 * MIN, open: true }),
    ]);
    expect(d.silence(t + 15 * MIN)).toEqual([
      expect.objectContaining({ start: t, end: t + 14 * MIN, open: true }),
    ]);
    const back = d.update({ time: t + 20 * MIN, values: window(n, t + 20 * MIN), score: 0.8 });
    expect(back.events).toEqual([
      expect.objectContaining({
        kind: 'dropout',
        start: t,
        end: t + 19 * MIN,
        windows: 20,
        open: false,
      }),
    ]);
  });

  it('names a slow ramp a drift and a lasting step a shift, from the shape of the departure', () => {
    /** Closed events' kinds, and the window at which the open event was first named a drift. */
    const kinds = (ramp: (i: number) => number, seed: number) => {
      const { d, n, t } = trained(seed);
      const closed: string[] = [];
      let namedDrift = -1;
      for (let i = 0; i < 260; i += 1) {
        const w = window(n, t + i * MIN);
        const out = d.update({
          time: t + i * MIN,
          values: [(w[0] as number) + ramp(i), w[1] as number],
          score: 0.8,
        });
        for (const e of out.events) {
          if (!e.open) closed.push(e.kind);
          else if (e.kind === 'drift' && namedDrift < 0) namedDrift = i;
        }
      }
      return { closed, namedDrift };
    };
    // 8 ppm a minute (noise 10): first seen as an abrupt departure, named a drift as it grows
    const drift = kinds((i) => (i < 120 ? 8 * i : 0), 7);
    expect(drift.closed).toEqual(['drift']);
    expect(drift.namedDrift).toBeGreaterThan(0);
    expect(drift.namedDrift).toBeLessThan(60);
    const shift = kinds((i) => (i >= 10 && i < 100 ? 600 : 0), 8);
    expect(shift).toEqual({ closed: ['shift'], namedDrift: -1 });
  });
});
