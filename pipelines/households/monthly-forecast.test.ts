/**
 * Unit tests of the households' daily rest-of-the-month forecast: hourly means kept per
 * household, one refresh per event-time day, rows keyed by hour (a refresh overwrites the
 * last one's hours), state carried through a snapshot, and the wiring in the households spec.
 */
import { from, lastValueFrom, toArray } from 'rxjs';
import { movingAverage } from '../../models/index.js';
import { record } from '../../operators/testing/fixtures.js';
import { KeyedStateBackend } from '../state/index.js';
import { NO_OUTPUTS, type ResultItem } from '../runtime/index.js';
import {
  createHouseholdPipeline,
  MONTHLY_MEASURE,
  monthlyForecast,
  type HourlyState,
} from './index.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
// Tuesday 26 Dec 2006, 00:00 UTC
const T0 = Date.UTC(2006, 11, 26);

/** A households score item of one minute window. */
const item = (key: string, t: number, power: number): ResultItem => ({
  pipeline: 'households',
  outputs: {
    ...NO_OUTPUTS,
    scores: [{ key, windowStart: new Date(t).toISOString(), values: { globalActivePower: power } }],
  },
});

/** One item a minute for `hours` hours from `start`; power 1 at night, 3 from 18:00 to 22:00. */
const minutes = (key: string, start: number, hours: number) =>
  Array.from({ length: hours * 60 }, (_, m) => {
    const t = start + m * MIN;
    const h = new Date(t).getUTCHours();
    return item(key, t, h >= 18 && h < 22 ? 3 : 1);
  });

const run = async (items: ResultItem[], state = new KeyedStateBackend(), minHistoryHours = 24) =>
  lastValueFrom(from(items).pipe(monthlyForecast({ minHistoryHours })({ state }), toArray()));

describe('monthlyForecast', () => {
  it('refreshes once per household per event-time day, to the end of the month', async () => {
    const out = await run([...minutes('h1', T0, 50), ...minutes('h2', T0, 12)]);
    const rows = out.flatMap((i) => i.outputs.predictions);
    const h1 = rows.filter((r) => r.key.pk === 'h1');
    // day 1: < 24 h of history; 27 Dec: the first refresh; 28 Dec (02:00 = hour 50 not reached)
    const refreshes = new Set(h1.map((r) => r.attributes.origin));
    expect([...refreshes]).toEqual(['2006-12-27T00:00:00.000Z', '2006-12-28T00:00:00.000Z']);
    expect(h1.filter((r) => r.attributes.origin === '2006-12-27T00:00:00.000Z')).toHaveLength(
      5 * 24,
    );
    expect(h1.filter((r) => r.attributes.origin === '2006-12-28T00:00:00.000Z')).toHaveLength(
      4 * 24,
    );
    expect(rows.filter((r) => r.key.pk === 'h2')).toHaveLength(0);
    // rows are keyed by hour: the 28th's refresh overwrites the 27th's rows of the same hours
    expect(h1[0]?.key.sk).toBe(`2006-12-27T00:00:00.000Z#${MONTHLY_MEASURE}~60`);
    const evening = h1.find((r) => r.attributes.target === '2006-12-28T19:00:00.000Z');
    const night = h1.find((r) => r.attributes.target === '2006-12-28T03:00:00.000Z');
    // one day of history: the evening peak shows, shrunk towards the mean by the priors
    expect(Number(evening?.attributes.value)).toBeGreaterThan(
      Number(night?.attributes.value) + 0.3,
    );
    expect(evening?.attributes.model).toBe('seasonal-profile');
    // the rows ride on the first window of the day (durable with it)
    const carrier = out.find((i) => i.outputs.predictions.length > 0);
    expect(carrier?.outputs.scores[0]?.windowStart).toBe('2006-12-27T00:00:00.000Z');
  });

  it('keeps hourly means with gaps in keyed state and resumes from a snapshot', async () => {
    const state = new KeyedStateBackend();
    const first = minutes('h1', T0, 20).filter((_, m) => m < 5 * 60 || m >= 7 * 60);
    await run(first, state, 20);
    const s = state.register<HourlyState>('households.hourly').get('h1');
    expect(s?.values).toHaveLength(19);
    expect(s?.values[5]).toBeNull();
    expect(s?.values[4]).toBe(1);
    const restored = new KeyedStateBackend();
    restored.restore(JSON.parse(JSON.stringify(state.snapshot())) as never);
    // 17 hours with values before the snapshot, 5 after: the 27th's refresh needs them all
    const rest = await run(minutes('h1', T0 + 20 * HOUR, 5), restored, 22);
    const rows = rest.flatMap((i) => i.outputs.predictions);
    expect(new Set(rows.map((r) => r.attributes.origin))).toEqual(
      new Set(['2006-12-27T00:00:00.000Z']),
    );
  });
});

describe('households spec with the monthly forecast', () => {
  it('adds the refresh rows to the first window of a day through the whole pipeline', async () => {
    const start = Date.UTC(2006, 11, 30, 23, 0);
    const records = Array.from({ length: 90 }, (_, m) =>
      record(m, {
        kind: 'household',
        householdId: 'h1',
        ts: new Date(start + m * MIN + 5_000).toISOString(),
        readings: {
          globalActivePower: 2,
          globalReactivePower: 0.1,
          voltage: 235,
          globalIntensity: 4,
          subMetering1: 0,
          subMetering2: 1,
          subMetering3: 10,
        },
      }),
    );
    const fast = {
      forecaster: movingAverage({ inputLength: 10, span: 5 }),
      forest: { numberOfTrees: 10, sampleSize: 16, outputAfter: 8, seed: 7 },
      monthly: { minHistoryHours: 1 },
    };
    const items = await lastValueFrom(
      from(records).pipe(
        createHouseholdPipeline(fast, { state: new KeyedStateBackend() }),
        toArray(),
      ),
    );
    const monthly = items
      .flatMap((i) => i.outputs.predictions)
      .filter((r) => String(r.key.sk).includes(MONTHLY_MEASURE));
    expect(monthly).toHaveLength(24); // 31 Dec, hour by hour
    expect(monthly.every((r) => r.attributes.value === 2)).toBe(true);
    const off = await lastValueFrom(
      from(records).pipe(
        createHouseholdPipeline({ ...fast, monthly: false }, { state: new KeyedStateBackend() }),
        toArray(),
      ),
    );
    expect(
      off.flatMap((i) => i.outputs.predictions).filter((r) => String(r.key.sk).includes('Month')),
    ).toHaveLength(0);
  });
});
