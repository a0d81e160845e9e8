/**
 * The device pipeline of operators/README.md, composed end to end: every record ends up in
 * exactly one durable output (a wide row or a dead letter), so acking outputs acks inputs.
 */
import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { DEVICE_MEASURES, readingKey, readingTime, type Reading } from '../core/index.js';
import {
  decode,
  isDeadLetter,
  mapTraced,
  normalize,
  perMeasure,
  pivot,
  splitDeadLetters,
  tumbling,
  validate,
  eventTimeWindow,
} from './index.js';
import { PositionSet, type DeadLetter, type SourceRecord } from '../core/lineage/index.js';
import { device, longRows, record } from './testing/fixtures.js';

function devicePipeline(records: SourceRecord[]) {
  return from(records).pipe(
    decode(),
    validate(),
    normalize({ outOfRange: 'dead-letter' }),
    eventTimeWindow({
      assigner: tumbling({ size: 60_000 }),
      key: readingKey,
      time: readingTime,
      aggregate: perMeasure<Reading>(DEVICE_MEASURES, 'mean'),
      allowedLateness: 30_000,
    }),
    mapTraced((w) => longRows(w.key, w.start, w.value)),
    pivot({ columns: DEVICE_MEASURES }),
  );
}

describe('device pipeline (README)', () => {
  it('aggregates per device and minute, dead-letters the rest', async () => {
    const records = [
      record(0, device('a', 0, 40)),
      record(1, device('a', 30, 60)),
      record(2, '{"kind":'),
      record(3, device('b', 10, 900)), // iaq out of range
      record(4, device('a', 70, 10)),
      record(5, device('a', 200, 10)), // watermark 170 fires a's [60 s, 120 s)
      record(6, device('a', 5, 10)), // late: [0, 60 s) closed
    ];
    const dead: DeadLetter[] = [];
    const rows = await lastValueFrom(
      devicePipeline(records).pipe(
        splitDeadLetters((d) => dead.push(d)),
        toArray(),
      ),
    );
    expect(dead.map((d) => [d.reason, [...d.positions].map((p) => p.ordinal)])).toEqual([
      ['invalid-json', [2]],
      ['out-of-range', [3]],
      ['late', [6]],
    ]);
    expect(
      rows.map((r) => [
        r.value.deviceId,
        r.value.time,
        r.value.values.iaq,
        [...r.positions].map((p) => p.ordinal),
      ]),
    ).toEqual([
      ['a', 0, 50, [0, 1]],
      ['a', 60_000, 10, [4]],
      ['a', 180_000, 10, [5]],
    ]);
  });

  it('property: no record is dropped without a dead letter, and none is acked twice', async () => {
    const arbRecord = fc.oneof(
      {
        weight: 6,
        arbitrary: fc
          .record({
            k: fc.constantFrom('a', 'b', 'c'),
            s: fc.integer({ min: 0, max: 600 }),
            iaq: fc.integer({ min: -10, max: 520 }),
          })
          .map(({ k, s, iaq }) => JSON.stringify(device(k, s, iaq))),
      },
      { weight: 1, arbitrary: fc.string() },
      { weight: 1, arbitrary: fc.constant('{"kind":"device"}') },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(arbRecord, { maxLength: 40 }), async (payloads) => {
        const records = payloads.map((p, i) => record(i, p));
        const out = await lastValueFrom(devicePipeline(records).pipe(toArray()));
        const all = PositionSet.unionAll(out.map((o) => o.positions));
        expect(all.size).toBe(records.length);
        expect(out.reduce((n, o) => n + o.positions.size, 0)).toBe(records.length);
        for (const o of out)
          if (!isDeadLetter(o)) expect(Object.keys(o.value.values)).toEqual([...DEVICE_MEASURES]);
      }),
      { numRuns: 60 },
    );
  });
});
