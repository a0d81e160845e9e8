import { describe, expect, it } from '@jest/globals';
import type { z } from 'zod';
import {
  deviceReadingSchema,
  householdReadingSchema,
  legacyReadingSchema,
  legacyToDevice,
  parseReading,
  readingTime,
  type ParseReadingResult,
} from './reading-schema.js';
import { canonicalInstantMs, fastWireReading, instantMs } from './reading-fast-path.js';

/** parseReading as it was before the fast path: zod only. */
function zodOnly(json: unknown): ParseReadingResult {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, detail: '(root): expected an object' };
  }
  const kind = (json as { kind?: unknown }).kind;
  const schema: z.ZodType | undefined =
    kind === 'device'
      ? deviceReadingSchema
      : kind === 'household'
        ? householdReadingSchema
        : kind === undefined && 'devid' in json
          ? legacyReadingSchema
          : undefined;
  if (schema === undefined) return parseReading(json); // the kind message, no zod involved
  const r = schema.safeParse(json);
  if (!r.success) {
    return {
      ok: false,
      detail: r.error.issues
        .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
        .join('; '),
    };
  }
  const data = r.data as Record<string, unknown>;
  return {
    ok: true,
    reading: ('devid' in data
      ? legacyToDevice(data as z.infer<typeof legacyReadingSchema>)
      : data) as never,
  };
}

const device = {
  kind: 'device',
  deviceId: 'B84C4503F361D64A',
  ts: '2026-11-23T05:00:00.000Z',
  readings: { iaq: 45.5, temperature: 21.25, humidity: 40, voc: 0.5, pressure: 1013.2, co2: 612 },
};
const household = {
  kind: 'household',
  householdId: 'h-1',
  ts: '2026-11-23T05:00:00Z',
  readings: {
    globalActivePower: 4.2,
    globalReactivePower: 0.4,
    voltage: 234.8,
    globalIntensity: 18.4,
    subMetering1: 0,
    subMetering2: 1,
    subMetering3: 17,
  },
};

const TIMES = [
  '2026-11-23T05:00:00.000Z',
  '2026-11-23T05:00:00Z',
  '2024-02-29T23:59:59.999Z',
  '2023-02-29T00:00:00.000Z', // not a date
  '2000-02-29T00:00:00.000Z',
  '1900-02-29T00:00:00.000Z', // not a date
  '0000-01-01T00:00:00.000Z',
  '9999-12-31T23:59:59.999Z',
  '1969-12-31T23:59:59.999Z',
  '2026-04-31T00:00:00.000Z', // not a date
  '2026-13-01T00:00:00.000Z',
  '2026-11-23T24:00:00.000Z',
  '2026-11-23T05:60:00.000Z',
  '2026-11-23T05:00:60.000Z',
  '2026-11-23T05:00:00.5Z',
  '2026-11-23T05:00:00.123456Z',
  '2026-11-23T05:00:00+01:00',
  '2026-11-23T05:00:00.000+05:30',
  '2026-11-23T05:00:00.000',
  '2026-11-23 05:00:00.000Z',
  '2026-11-23T05:00:00.00aZ',
  '2026-1a-23T05:00:00.000Z',
  '+02026-11-23T05:00:00.000Z',
  '',
];

/** Valid readings, and each broken or oddly shaped in one way. */
function cases(): unknown[] {
  const out: unknown[] = [device, household];
  for (const base of [device, household] as Record<string, unknown>[]) {
    for (const ts of TIMES) out.push({ ...base, ts });
    const rd = base.readings as Record<string, unknown>;
    for (const m of Object.keys(rd)) {
      for (const v of [undefined, null, '1', NaN, Infinity, -0, 1e308, true, [1]]) {
        out.push({ ...base, readings: { ...rd, [m]: v } });
      }
    }
    const idField = base.kind === 'device' ? 'deviceId' : 'householdId';
    for (const id of ['', 'a', '-a', 'a b', 'a#b', 'a/b', 'x'.repeat(128), 'x'.repeat(129), 7]) {
      out.push({ ...base, [idField]: id });
    }
    out.push({ ...base, extra: 1, readings: { ...rd, extra: 2 } }); // stripped by zod
    out.push(Object.fromEntries(Object.entries(base).reverse())); // other key order
    out.push({ ...base, readings: [1, 2, 3, 4, 5, 6, 7] });
    out.push({ ...base, readings: null });
    out.push({ ...base, ts: 1795410000000 });
    out.push({ ...base, kind: 'Device' });
  }
  out.push({ devid: 'B84C', ts: 1795410000000, readings: [45, 21, 40, 0.5, 1013, 612, 3] });
  out.push({
    devid: 'B84C',
    ts: '2026-11-23T05:00:00Z',
    readings: [45, 21, 40, 0.5, 1013, 612, 9],
  });
  out.push(null, 3, 'x', [], {});
  return out;
}

describe('the wire-shape fast path in front of zod', () => {
  it('gives parseReading exactly the results of zod alone: readings, key order, details', () => {
    let accepted = 0;
    let rejected = 0;
    for (const json of cases()) {
      const got = parseReading(json);
      const want = zodOnly(json);
      expect(got).toEqual(want);
      expect(JSON.stringify(got)).toBe(JSON.stringify(want));
      if (got.ok) accepted++;
      else rejected++;
    }
    expect(accepted).toBeGreaterThan(10);
    expect(rejected).toBeGreaterThan(100);
  });

  it('accepts only what zod accepts, and declines (never rejects) the rest', () => {
    for (const json of cases()) {
      if (typeof json !== 'object' || json === null) continue;
      const fast = fastWireReading(json as Record<string, unknown>);
      if (fast === undefined) continue;
      const schema = fast.kind === 'device' ? deviceReadingSchema : householdReadingSchema;
      expect(schema.parse(json)).toEqual(fast);
    }
    expect(fastWireReading({ ...device, ts: '2026-11-23T05:00:00+01:00' })).toBeUndefined();
    expect(parseReading({ ...device, ts: '2026-11-23T05:00:00+01:00' }).ok).toBe(true);
  });

  it('returns a fresh reading, not the input', () => {
    const r = parseReading(device);
    expect(r.ok && r.reading).not.toBe(device);
    expect(r.ok && r.reading.readings).not.toBe(device.readings);
  });
});

describe('event time parsed once', () => {
  it('canonicalInstantMs equals Date.parse on canonical instants, NaN on the rest', () => {
    for (const ts of TIMES) {
      const fast = canonicalInstantMs(ts);
      if (Number.isNaN(fast)) continue;
      expect(fast).toBe(Date.parse(ts));
    }
    expect(canonicalInstantMs('2026-11-23T05:00:00.000Z')).toBe(Date.UTC(2026, 10, 23, 5));
    expect(canonicalInstantMs('2023-02-29T00:00:00.000Z')).toBeNaN();
    expect(canonicalInstantMs('2026-11-23T05:00:00+01:00')).toBeNaN();
    // ~33,000 instants, every mismatch in one expect (as many expect calls took ~2 s)
    const wrong: string[] = [];
    for (let t = -5e12; t < 2.5e14; t += 7_777_777_777) {
      const iso = new Date(t).toISOString();
      if (!Object.is(canonicalInstantMs(iso), t)) wrong.push(`${iso} → ${canonicalInstantMs(iso)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('instantMs and readingTime equal Date.parse for every form, remembered or not', () => {
    const forms = [...TIMES, '2026-11-23T05:00:00+01:00', '2026-11-23T06:00:00.000+01:00'];
    for (const ts of [...forms, ...forms.reverse()]) {
      expect(instantMs(ts)).toBe(Date.parse(ts));
      expect(instantMs(ts)).toBe(Date.parse(ts)); // second call: remembered
    }
    const r = parseReading({ ...device, ts: '2026-11-23T05:00:00.250Z' });
    expect(r.ok && readingTime(r.reading)).toBe(Date.parse('2026-11-23T05:00:00.250Z'));
    expect(readingTime({ ...device, kind: 'device', ts: '1970-01-01T00:01:00Z' })).toBe(60_000);
  });
});
