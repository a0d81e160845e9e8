import {
  AnomalyDetector,
  EventTracker,
  FlatLineDetector,
  GapDetector,
  Thresholder,
} from './index.js';
import { seedState, sfc32 } from '../../core/index.js';

const MIN = 60_000;
/** Seeded uniform draws in (0, 1). */
const uniform = (seed: number) => {
  const g = sfc32(seedState(seed));
  return () => g.nextOpen();
};

describe('Thresholder (calibrated)', () => {
  it('holds the target false-alarm rate on a stationary stream with an exponential tail', () => {
    // scores 1 + Exp(mean 0.2): P(score > s) is known, so the alarm rate is checkable
    const u = uniform(5);
    const th = new Thresholder({ targetRate: 1e-3, minScores: 500, horizon: 20_000 });
    let runs = 0;
    let n = 0;
    let inRun = false;
    for (let i = 0; i < 60_000; i += 1) {
      const g = th.grade(1 - 0.2 * Math.log(u())).grade;
      if (i < 5_000) continue;
      n += 1;
      if (g > 0 && !inRun) runs += 1;
      inRun = g > 0;
    }
    // 55,000 judged scores at 1e-3: about 55 runs start; calibration within a factor of 2
    expect(runs).toBeGreaterThan(55 / 2);
    expect(runs).toBeLessThan(55 * 2);
    // the threshold sits where the true tail puts 1e-3: 1 + 0.2·ln(1000) = 2.38
    expect(th.thresholdFor(1e-3)).toBeCloseTo(2.38, 0);
    expect(n).toBe(55_000);
  });

  it('hysteresis: a run starts above the start threshold and continues above the lower one', () => {
    const u = uniform(9);
    const th = new Thresholder({ targetRate: 1e-4, continueRate: 0.01, minScores: 100 });
    for (let i = 0; i < 5_000; i += 1) th.grade(1 + 0.1 * u());
    const start = th.thresholdFor(1e-4);
    const cont = th.thresholdFor(0.01);
    expect(cont).toBeLessThan(start);
    const between = (cont + start) / 2;
    expect(th.grade(between).grade).toBe(0); // not enough to start
    expect(th.grade(start * 1.5).grade).toBeGreaterThanOrEqual(0.5); // starts
    expect(th.grade(between).grade).toBeGreaterThan(0); // continues
    expect(th.grade(between).grade).toBeLessThan(0.5);
    expect(th.grade(1).grade).toBe(0); // ends
    expect(th.grade(between).grade).toBe(0); // a new run needs the start threshold again
  });

  it('never learns scores above the start threshold, and restores exactly from JSON', () => {
    const u = uniform(3);
    const th = new Thresholder({ minScores: 50 });
    for (let i = 0; i < 2_000; i += 1) th.grade(1 + 0.1 * u());
    const before = th.thresholdFor(1e-4);
    for (let i = 0; i < 200; i += 1) th.grade(50); // a long anomaly
    expect(th.thresholdFor(1e-4)).toBe(before);
    const copy = new Thresholder({ minScores: 50 }, JSON.parse(JSON.stringify(th.toJSON())));
    const scores = Array.from({ length: 300 }, () => 1 + 0.3 * u());
    expect(scores.map((s) => copy.grade(s))).toEqual(scores.map((s) => th.grade(s)));
  });
});

describe('Thresholder learning late (learnDelay)', () => {
  it('a score creeping up below the threshold does not teach the tail to tolerate it', () => {
    const run = (learnDelay: number) => {
      const u = uniform(31);
      const th = new Thresholder({ minScores: 100, learnDelay });
      for (let i = 0; i < 5_000; i += 1) th.grade(1 + 0.1 * u());
      // a slow ramp from 1.1 to 3 over 1,000 scores: the boiling frog
      let firedAt = -1;
      for (let i = 0; i < 1_000 && firedAt < 0; i += 1)
        if (th.grade(1.1 + (1.9 * i) / 1_000 + 0.05 * u()).grade > 0) firedAt = i;
      return firedAt;
    };
    const late = run(60);
    const atOnce = run(0);
    expect(late).toBeGreaterThan(0);
    expect(late).toBeLessThan(100);
    // learned at once, the ramp's own scores widen the tail: it never fires
    expect(atOnce).toBe(-1);
  });

  it('stores only the non-empty range of its histogram and restores exactly', () => {
    const u = uniform(32);
    const th = new Thresholder({ learnDelay: 10 });
    for (let i = 0; i < 500; i += 1) th.grade(1 + 0.2 * u());
    const state = th.toJSON();
    expect(state.bins.length).toBeLessThan(20);
    expect(state.bins[0]).toBeGreaterThan(0);
    const copy = new Thresholder({ learnDelay: 10 }, JSON.parse(JSON.stringify(state)));
    const next = Array.from({ length: 200 }, (_, i) => (i === 150 ? 9 : 1 + 0.3 * u()));
    expect(next.map((x) => copy.grade(x))).toEqual(next.map((x) => th.grade(x)));
    expect(() => new Thresholder({}, { ...state, lo: 159 })).toThrow(/outside/);
  });
});

describe('FlatLineDetector', () => {
  const noisy = (u: () => number) => [Math.round(400 + 30 * u()), 20 + Math.round(u() * 100) / 100];

  it('fires on a frozen sensor after minRun repeats, not on a noisy one that sometimes repeats', () => {
    const u = uniform(11);
    const f = new FlatLineDetector({ measures: ['co2', 'temperature'] });
    const grades: number[] = [];
    for (let i = 0; i < 3_000; i += 1) grades.push(f.update(noisy(u)).grade);
    expect(grades.filter((g) => g > 0)).toEqual([]);
    const frozen = [411, 20.5];
    const stuck = Array.from({ length: 10 }, () => f.update(frozen));
    // run lengths 0, 1, 2, …: never before minRun (3), then fires within a few repeats
    // (the surprise grows by −ln q per repeat) and stays on while the sensor is frozen
    expect(stuck.map((v) => v.runs[0])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(stuck.slice(0, 3).map((v) => v.grade)).toEqual([0, 0, 0]);
    const first = stuck.findIndex((v) => v.grade > 0);
    expect(first).toBeGreaterThanOrEqual(3);
    expect(first).toBeLessThanOrEqual(6);
    expect(stuck.slice(first).every((v) => v.grade > 0)).toBe(true);
    expect(f.update(noisy(u)).grade).toBe(0);
  });

  it('skips imputed windows and restores exactly from JSON', () => {
    const u = uniform(12);
    const f = new FlatLineDetector({ measures: ['a', 'b'] });
    for (let i = 0; i < 500; i += 1) f.update(noisy(u));
    expect(f.update([1, 1], true).runs).toEqual(f.toJSON().runs);
    const copy = new FlatLineDetector({ measures: ['a', 'b'] }, f.toJSON());
    const next = Array.from({ length: 50 }, (_, i) => (i < 20 ? [7, 7] : noisy(u)));
    expect(next.map((v) => copy.update(v))).toEqual(next.map((v) => f.update(v)));
  });
});

describe('GapDetector', () => {
  it('reports a gap as a dropout only when longer than the key’s transmission gaps explain', () => {
    const g = new GapDetector({ minMissing: 5 });
    let t = 0;
    for (let i = 0; i < 2_000; i += 1) expect(g.update((t += MIN))).toBeUndefined();
    expect(g.update((t += 3 * MIN))).toBeUndefined(); // 2 missing windows: normal
    const back = (t += 9 * MIN); // 8 missing windows
    expect(g.update(back)).toEqual({
      from: back - 8 * MIN,
      to: back - MIN,
      missing: 8,
      grade: expect.any(Number),
    });
    expect(g.update(back + MIN, true)).toBeUndefined(); // imputed windows are not readings
  });

  it('is conservative without history', () => {
    const g = new GapDetector();
    g.update(0);
    expect(g.update(8 * MIN)).toBeUndefined();
    expect(new GapDetector({}, g.toJSON()).toJSON()).toEqual(g.toJSON());
  });
});

describe('EventTracker', () => {
  it('makes one event of consecutive anomalous windows, tolerating one quiet window', () => {
    const e = new EventTracker({ closeAfter: 2 });
    const v = (m: number, grade: number) => ({ time: m * MIN, grade, kind: 'shift' as const });
    const out = [v(0, 0), v(1, 0.6), v(2, 0.9), v(3, 0), v(4, 0.7), v(5, 0), v(6, 0)].map((x) =>
      e.update(x),
    );
    expect(out[0]).toBeUndefined();
    expect(out[1]).toMatchObject({ start: MIN, end: MIN, open: true, windows: 1 });
    expect(out[2]).toMatchObject({ start: MIN, end: 2 * MIN, peakGrade: 0.9, peakAt: 2 * MIN });
    expect(out[3]).toBeUndefined(); // one quiet window keeps it open
    expect(out[4]).toMatchObject({ start: MIN, end: 4 * MIN, windows: 3, open: true });
    expect(out[5]).toBeUndefined();
    expect(out[6]).toMatchObject({ start: MIN, end: 4 * MIN, open: false, kind: 'shift' });
  });

  it('keeps the surer kind (a stuck verdict outranks the forest’s), and reports spans after the fact', () => {
    const e = new EventTracker();
    e.update({ time: 0, grade: 0.6, kind: 'stuck' });
    expect(e.update({ time: MIN, grade: 0.6, kind: 'drift' })?.kind).toBe('stuck');
    const spans = e.span(5 * MIN, 9 * MIN, 5, 0.8, 'dropout');
    expect(spans.map((x) => [x.start, x.end, x.kind, x.open])).toEqual([
      [0, MIN, 'stuck', false],
      [5 * MIN, 9 * MIN, 'dropout', false],
    ]);
    expect(e.current).toBeNull();
  });
});

describe('AnomalyDetector', () => {
  const measures = ['co2', 'temperature'];
  const normal = (u: () => number, m: number) => [
    500 + 100 * Math.sin(m / 60) + 10 * u(),
    21 + Math.round(u() * 100) / 100,
  ];

  it('turns an out-of-range mark into a range event starting at the dead-lettered reading', () => {
    const u = uniform(21);
    const d = new AnomalyDetector({ measures, thresholder: { minScores: 10 } });
    for (let m = 0; m < 100; m += 1) d.update({ time: m * MIN, values: normal(u, m), score: 1 });
    d.markOutOfRange(100 * MIN + 30_000, ['temperature'], [true]);
    const out = d.update({ time: 101 * MIN, values: normal(u, 101), score: 1 });
    expect(out.kind).toBe('range');
    expect(out.events).toEqual([
      expect.objectContaining({
        start: 100 * MIN,
        end: 101 * MIN,
        kind: 'range',
        open: true,
        explanation: { temperature: { DIRECTION: 'HIGH', STRENGTH: '1', ATTRIBUTION_SCORE: '1' } },
      }),
    ]);
  });

  it('continues exactly after a JSON round trip of its state', () => {
    const u = uniform(22);
    const a = new AnomalyDetector({ measures });
    for (let m = 0; m < 400; m += 1)
      a.update({ time: m * MIN, values: normal(u, m), score: 1 + u() / 5 });
    const b = new AnomalyDetector({ measures }, JSON.parse(JSON.stringify(a.toJSON())));
    const next = Array.from({ length: 200 }, (_, i) => ({
      time: (400 + i) * MIN,
      values: i > 50 && i < 60 ? [900, 21] : normal(u, 400 + i),
      score: i === 120 ? 6 : 1 + u() / 5,
    }));
    expect(next.map((x) => b.update(x))).toEqual(next.map((x) => a.update(x)));
    expect(b.scale([600, 22])).toEqual(a.scale([600, 22]));
  });
});
