import { fitSeasonalProfile, hoursToMonthEnd, sameHourLastWeek } from './seasonal-profile.js';

const HOUR = 3_600_000;
// Sunday 3 Dec 2006, 00:00 UTC
const START = Date.UTC(2006, 11, 3);
/** A known additive profile: evening peak every day, higher on weekends, one odd cell. */
const truth = (t: number) => {
  const d = new Date(t);
  const h = d.getUTCHours();
  const day = d.getUTCDay();
  return (
    1 +
    (h >= 18 && h < 22 ? 2 : 0) +
    (day === 0 || day === 6 ? 0.5 : 0) +
    (day === 3 && h === 7 ? 1 : 0)
  );
};
const series = (weeks: number, gap?: (i: number) => boolean) => ({
  start: START,
  values: Array.from({ length: weeks * 168 }, (_, i) =>
    gap?.(i) ? Number.NaN : truth(START + i * HOUR),
  ),
});

describe('fitSeasonalProfile', () => {
  it('recovers a daily × weekly profile closely enough to forecast the next weeks', () => {
    const mae = (weeks: number) => {
      const from = START + weeks * 168 * HOUR;
      const f = fitSeasonalProfile(series(weeks)).range(from, 336);
      return f.reduce((s, v, i) => s + Math.abs(v - truth(from + i * HOUR)), 0) / f.length;
    };
    // the priors shrink every term: the error falls as weeks of history come in
    expect(mae(4)).toBeLessThan(0.08);
    expect(mae(4)).toBeLessThan(mae(2));
    expect(mae(2)).toBeLessThan(mae(1));
    const from = START + 4 * 168 * HOUR;
    const forecast = fitSeasonalProfile(series(4)).range(from, 336);
    // the evening peak and the weekend are both there
    expect(forecast[19]! - forecast[3]!).toBeGreaterThan(1.8);
  });

  it('ignores missing hours and shrinks cells seen once less than cells seen often', () => {
    const gappy = fitSeasonalProfile(series(4, (i) => i % 5 === 0));
    expect(gappy.observations).toBe(4 * 168 - Math.ceil((4 * 168) / 5));
    const once = fitSeasonalProfile(series(1)).at(START + (3 * 24 + 7) * HOUR);
    const often = fitSeasonalProfile(series(4)).at(START + (3 * 24 + 7) * HOUR);
    expect(Math.abs(often - 2)).toBeLessThan(Math.abs(once - 2));
  });

  it('follows a recent level shift through the short-half-life level term', () => {
    const s = series(3);
    const shifted = {
      start: s.start,
      values: s.values.map((v, i) => (i >= s.values.length - 72 ? v + 1 : v)),
    };
    const from = START + 3 * 168 * HOUR;
    expect(fitSeasonalProfile(shifted).at(from) - fitSeasonalProfile(s).at(from)).toBeGreaterThan(
      0.15,
    );
  });

  it('applies the floor and refuses an empty series or a bad option', () => {
    const negative = { start: START, values: [-5, -5, -5] };
    expect(fitSeasonalProfile(negative, { floor: 0 }).at(START)).toBe(0);
    expect(() => fitSeasonalProfile({ start: START, values: [Number.NaN] })).toThrow(/finite/);
    expect(() => fitSeasonalProfile(series(1), { halfLifeDays: 0 })).toThrow(/halfLifeDays/);
    expect(() => fitSeasonalProfile({ start: START + 1, values: [1] })).toThrow(/whole UTC hour/);
  });
});

describe('hoursToMonthEnd', () => {
  it('counts the hours left in the UTC month, the current one included', () => {
    expect(hoursToMonthEnd(Date.UTC(2006, 11, 31, 23, 30))).toBe(1);
    expect(hoursToMonthEnd(Date.UTC(2007, 1, 1))).toBe(28 * 24);
  });
});

describe('sameHourLastWeek', () => {
  it('takes the value a week earlier and repeats the last week beyond it', () => {
    const s = { start: START, values: Array.from({ length: 168 }, (_, i) => i) };
    const from = START + 168 * HOUR;
    const f = sameHourLastWeek(s, from, 400);
    expect(f[0]).toBe(0);
    expect(f[167]).toBe(167);
    expect(f[168]).toBe(0);
    expect(f[399]).toBe(399 - 336);
  });

  it('looks a further week back over a gap and gives NaN without any', () => {
    const values = Array.from({ length: 336 }, (_, i) => (i >= 168 && i < 170 ? Number.NaN : i));
    const f = sameHourLastWeek({ start: START, values }, START + 336 * HOUR, 2);
    expect(f).toEqual([0, 1]);
    expect(sameHourLastWeek({ start: START, values: [1] }, START + 2 * HOUR, 1)[0]).toBeNaN();
  });
});
