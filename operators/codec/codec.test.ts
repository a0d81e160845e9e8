import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { decode } from './decode.js';
import { validate } from './validate.js';
import {
  deviceReadingSchema,
  parseReading,
  readingSchema,
  readingKey,
  readingTime,
} from '../../core/schema/index.js';
import { deadLetter, PositionSet } from '../../core/lineage/index.js';
import { isDeadLetter } from '../flow/index.js';
import { at, device, marbles, record, unionOf } from '../testing/fixtures.js';

const ps = (...o: number[]) => PositionSet.of(...o.map((ordinal) => ({ shardId: 's', ordinal })));

describe('schemas', () => {
  it('accepts the device and household wire shapes of ARCHITECTURE.md', () => {
    const d = parseReading(
      JSON.parse(
        '{"kind":"device","deviceId":"B84C4503F361D64A","ts":"2026-11-23T05:00:00.000Z","readings":{"iaq":45.2,"temperature":21.3,"humidity":40.1,"voc":0.52,"pressure":1013.2,"co2":612}}',
      ),
    );
    const h = parseReading(
      JSON.parse(
        '{"kind":"household","householdId":"h-0001","ts":"2006-12-16T17:24:00.000Z","readings":{"globalActivePower":4.216,"globalReactivePower":0.418,"voltage":234.84,"globalIntensity":18.4,"subMetering1":0,"subMetering2":1,"subMetering3":17}}',
      ),
    );
    expect(d.ok && readingKey(d.reading)).toBe('B84C4503F361D64A');
    expect(h.ok && readingKey(h.reading)).toBe('h-0001');
    expect(h.ok && readingTime(h.reading)).toBe(Date.UTC(2006, 11, 16, 17, 24));
  });

  it('normalizes the legacy 7-value shape to a device reading in the documented order', () => {
    const legacy = { devid: 'L1', ts: 60000, readings: [45, 21.5, 40, 0.5, 1013, 612, 3] };
    const r = parseReading(legacy);
    expect(r).toEqual({
      ok: true,
      reading: {
        kind: 'device',
        deviceId: 'L1',
        ts: '1970-01-01T00:01:00.000Z',
        readings: { iaq: 45, temperature: 21.5, humidity: 40, voc: 0.5, pressure: 1013, co2: 612 },
      },
    });
    expect(readingSchema.parse(legacy)).toEqual(r.ok && r.reading);
  });

  it('names the failing fields of the shape that was meant', () => {
    expect(parseReading({ ...device('d', 0), readings: { iaq: 'x' } })).toMatchObject({
      ok: false,
      detail: expect.stringContaining('readings.iaq'),
    });
    expect(parseReading({ devid: 'L', ts: 0, readings: [1, 2, 3] })).toMatchObject({
      ok: false,
      detail: expect.stringContaining('readings'),
    });
    expect(parseReading({ kind: 'cat' })).toMatchObject({
      ok: false,
      detail: expect.stringContaining('kind'),
    });
    expect(parseReading([1])).toMatchObject({ ok: false });
    expect(parseReading({ ...device('d', 0), ts: 'yesterday' })).toMatchObject({
      ok: false,
      detail: expect.stringContaining('ts'),
    });
  });
});

describe('decode', () => {
  it('parses JSON and dead-letters bad bytes without erroring (marbles)', () => {
    marbles().run(({ cold, expectObservable }) => {
      // c: invalid UTF-8 bytes
      const bad = record(2, '');
      Object.assign(bad, { data: new Uint8Array([0xff, 0xfe]) });
      const src2 = cold('a-b-c-d|', {
        a: record(0, { x: 1 }),
        b: record(1, '{"x":'),
        c: bad,
        d: record(3, [1, 2]),
      });
      expectObservable(src2.pipe(decode())).toBe('a-b-c-d|', {
        a: at({ x: 1 }, 0),
        b: deadLetter('invalid-json', expect.any(String) as unknown as string, '{"x":', ps(1)),
        c: deadLetter('invalid-json', 'data is not valid UTF-8', '//4=', ps(2)),
        d: at([1, 2], 3),
      });
    });
  });

  it('dead-letters records above maxBytes', async () => {
    const out = await lastValueFrom(
      from([record(0, { pad: 'x'.repeat(100) })]).pipe(decode({ maxBytes: 50 }), toArray()),
    );
    expect(out).toMatchObject([
      {
        kind: 'dead-letter',
        reason: 'invalid-json',
        detail: expect.stringContaining('exceeds 50'),
      },
    ]);
  });
});

describe('validate', () => {
  it('types valid readings, dead-letters invalid ones, passes dead letters through (marbles)', () => {
    marbles().run(({ cold, expectObservable }) => {
      const dl = deadLetter('invalid-json', 'x', '{', ps(9));
      const src = cold('a-b-c|', {
        a: at(device('d1', 0) as unknown, 0),
        b: at({ kind: 'device' } as unknown, 1),
        c: dl,
      });
      expectObservable(src.pipe(validate())).toBe('a-b-c|', {
        a: at(device('d1', 0), 0),
        b: deadLetter(
          'schema',
          expect.stringContaining('deviceId') as unknown as string,
          { kind: 'device' },
          ps(1),
        ),
        c: dl,
      });
    });
  });

  it('checks against a custom schema', async () => {
    const hh = { kind: 'household', householdId: 'h', ts: '2006-12-16T17:24:00Z', readings: {} };
    const out = await lastValueFrom(
      from([at(hh as unknown, 0), at(device('d', 0) as unknown, 1)]).pipe(
        validate({ schema: deviceReadingSchema }),
        toArray(),
      ),
    );
    expect(out.map((e) => (isDeadLetter(e) ? e.reason : 'ok'))).toEqual(['schema', 'ok']);
  });

  it('property: every record comes out exactly once, as a reading or a dead letter, with its own position', async () => {
    const arbPayload = fc.oneof(
      fc.constant('{"broken'),
      fc.json(),
      fc
        .record({
          id: fc.constantFrom('a', 'b'),
          s: fc.nat(1000),
          iaq: fc.oneof(fc.double(), fc.string()),
        })
        .map(({ id, s, iaq }) =>
          JSON.stringify({ ...device(id, s), readings: { ...device(id, s).readings, iaq } }),
        ),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(arbPayload, { maxLength: 30 }), async (payloads) => {
        const records = payloads.map((p, i) => record(i, p));
        const out = await lastValueFrom(from(records).pipe(decode(), validate(), toArray()));
        expect(out).toHaveLength(records.length);
        out.forEach((e, i) => expect(e.positions.equals(ps(i))).toBe(true));
        expect(
          unionOf(out).equals(PositionSet.unionAll(records.map((r) => ps(r.position.ordinal)))),
        ).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});

describe('validate: the fast path in front of zod (issue 16)', () => {
  it('gives the same readings and the same dead-letter details as zod alone', async () => {
    const good = {
      kind: 'device',
      deviceId: 'B84C',
      ts: '2026-11-23T05:00:00.000Z',
      readings: { iaq: 45, temperature: 21.5, humidity: 40, voc: 0.5, pressure: 1013, co2: 612 },
    };
    const inputs: unknown[] = [
      good,
      { ...good, ts: '2026-11-23T05:00:00Z', extra: true },
      { ...good, ts: '2026-11-23T06:00:00+01:00' },
      { ...good, ts: '2023-02-29T00:00:00.000Z' },
      { ...good, ts: 'yesterday' },
      { ...good, deviceId: 'a#b' },
      { ...good, readings: { ...good.readings, co2: '612' } },
      { ...good, readings: { ...good.readings, voc: null, iaq: undefined } },
      { ...good, readings: [1, 2, 3, 4, 5, 6] },
      { kind: 'device' },
    ];
    const run = (op: ReturnType<typeof validate>) =>
      lastValueFrom(
        from(inputs.map((value, i) => ({ value, positions: ps(i) }))).pipe(op, toArray()),
      );
    const fast = await run(validate());
    const zodAlone = await run(validate({ schema: deviceReadingSchema }));
    expect(fast).toEqual(zodAlone);
    expect(JSON.stringify(fast)).toBe(JSON.stringify(zodAlone));
    expect(fast.filter(isDeadLetter).map((d) => d.detail)).toHaveLength(7);
  });
});
