import {
  DEFAULT_MAX_FUTURE_SKEW_MS,
  futureTimeProblem,
  implausibleMeasures,
  parseReading,
  PLAUSIBLE_RANGES,
} from '../index.js';

const reading = (deviceId: string) => ({
  kind: 'device',
  deviceId,
  ts: '2026-11-23T05:00:00.000Z',
  readings: { iaq: 45, temperature: 21, humidity: 40, voc: 0.5, pressure: 1013, co2: 612 },
});

describe('series id allow-list', () => {
  it.each(['B84C4503F361D64A', 'h-0001', 'dev_1.a:b', 'x'.repeat(128)])('accepts %s', (id) => {
    expect(parseReading(reading(id)).ok).toBe(true);
  });

  it.each([
    ['a control character', 'dev\u0007bell'],
    ['a bidi override', 'dev\u202Elive'],
    ['a newline', 'dev\nid'],
    ['a space', 'dev id'],
    ['a key separator', 'dev#1'],
    ['a path separator', 'dev/1'],
    ['a leading dash', '-dev'],
    ['129 characters', 'x'.repeat(129)],
    ['nothing', ''],
  ])('refuses %s, naming the field', (_what, id) => {
    const parsed = parseReading(reading(id));
    expect(parsed).toEqual({
      ok: false,
      detail: expect.stringMatching(/^deviceId: expected 1–128/),
    });
    const legacy = parseReading({ devid: id, ts: 0, readings: [45, 21, 40, 0.5, 1013, 612, 3] });
    expect(legacy).toEqual({ ok: false, detail: expect.stringMatching(/^devid: /) });
  });
});

describe('plausibility', () => {
  it('lists the measures outside PLAUSIBLE_RANGES, NaN and ±1e300 included', () => {
    expect(implausibleMeasures(reading('d').readings)).toEqual([]);
    expect(
      implausibleMeasures({ temperature: 1e300, humidity: -1e300, co2: Number.NaN, iaq: 500 }),
    ).toEqual([
      'temperature=1e+300 outside [-40, 85]',
      'humidity=-1e+300 outside [0, 100]',
      'co2=NaN outside [250, 40000]',
    ]);
    expect(PLAUSIBLE_RANGES.temperature).toEqual([-40, 85]);
  });

  it('bounds event time by the clock plus the skew (inclusive), any distance beyond', () => {
    const now = Date.UTC(2026, 10, 23, 5);
    expect(
      futureTimeProblem(now + DEFAULT_MAX_FUTURE_SKEW_MS, now, DEFAULT_MAX_FUTURE_SKEW_MS),
    ).toBeUndefined();
    expect(futureTimeProblem(now - 1e12, now, 0)).toBeUndefined();
    expect(futureTimeProblem(now + 60_001, now, 60_000)).toBe(
      'event time 2026-11-23T05:01:00.001Z is 60001 ms ahead of the ingest clock 2026-11-23T05:00:00.000Z (at most 60000 ms allowed)',
    );
    expect(futureTimeProblem(Date.parse('9999-12-31T00:00:00Z'), now, 60_000)).toMatch(
      /^event time 9999-12-31T00:00:00.000Z is \d+ ms ahead/,
    );
    expect(futureTimeProblem(1e300, now, Infinity)).toBeUndefined();
    expect(futureTimeProblem(1e300, now, 0)).toMatch(/^event time 1e\+300 is/);
  });
});
