import { PositionSet, traced } from '../core/index.js';
import { packBatches } from './batching.js';
import { anomalyKey, predictionKey } from './keys.js';
import { sinkResult, subtractPositions } from './sink.js';
import { deadLetterLine } from './dead-letter-sink.js';
import { deadLetter } from '../core/index.js';
import fc from 'fast-check';

describe('packBatches', () => {
  const limits = { maxCount: 3, maxBytes: 10, maxItemBytes: 6 };

  it('splits by count and by bytes in order, and sets aside items that can never fit', () => {
    const { groups, oversized } = packBatches([1, 1, 1, 1, 5, 5, 7, 2], (n) => n, limits);
    expect(groups).toEqual([
      [1, 1, 1],
      [1, 5],
      [5, 2],
    ]);
    expect(oversized).toEqual([7]);
  });

  it('keeps every item exactly once within limits (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 8 })), (sizes) => {
        const items = sizes.map((size, id) => ({ id, size }));
        const { groups, oversized } = packBatches(items, (i) => i.size, limits);
        const flat = [...groups.flat(), ...oversized].map((i) => i.id).sort((a, b) => a - b);
        expect(flat).toEqual(items.map((i) => i.id));
        for (const g of groups) {
          expect(g.length).toBeGreaterThan(0);
          expect(g.length).toBeLessThanOrEqual(3);
          expect(g.reduce((s, i) => s + i.size, 0)).toBeLessThanOrEqual(10);
        }
        expect(oversized.every((i) => i.size > 6)).toBe(true);
      }),
    );
  });
});

describe('acknowledged positions', () => {
  it('subtracts ranges exactly', () => {
    const a = PositionSet.range('s1', 0, 9).union(PositionSet.range('s2', 0, 3));
    const b = PositionSet.of({ shardId: 's1', ordinal: 3 }, { shardId: 's1', ordinal: 9 }).union(
      PositionSet.range('s2', 0, 3),
    );
    expect(subtractPositions(a, b).toJSON()).toEqual({
      s1: [
        [0, 2],
        [4, 8],
      ],
    });
  });

  it('matches set difference on random sets (property)', () => {
    const set = fc.uniqueArray(fc.integer({ min: 0, max: 60 }));
    fc.assert(
      fc.property(set, set, (xs, ys) => {
        const a = PositionSet.of(...xs.map((ordinal) => ({ shardId: 's', ordinal })));
        const b = PositionSet.of(...ys.map((ordinal) => ({ shardId: 's', ordinal })));
        const expected = xs.filter((x) => !ys.includes(x)).sort((p, q) => p - q);
        expect([...subtractPositions(a, b)].map((p) => p.ordinal)).toEqual(expected);
      }),
    );
  });

  it('does not acknowledge positions shared with a failed item', () => {
    const window = PositionSet.range('s1', 10, 19);
    const ok = traced('iaq~5', window);
    const bad = traced('iaq~10', window);
    const other = traced('x', PositionSet.single('s1', 30));
    const result = sinkResult(
      [ok, other],
      [{ item: bad, code: 'X', message: 'x', retriable: true }],
    );
    expect(result.durable.toJSON()).toEqual({ s1: [[30, 30]] });
    expect(result.written).toBe(2);
  });
});

describe('deterministic result keys', () => {
  it('anomaly: pk = deviceId, sk = window start (ISO)', () => {
    expect(anomalyKey({ deviceId: 'D1', windowStart: Date.UTC(2026, 10, 23, 5, 1) })).toEqual({
      pk: 'D1',
      sk: '2026-11-23T05:01:00.000Z',
    });
  });

  it('prediction: sk = ts#measure~minutesAhead', () => {
    expect(
      predictionKey({
        deviceId: 'D1',
        ts: '2026-11-23T05:15:00.000Z',
        measure: 'iaq',
        minutesAhead: 15,
      }),
    ).toEqual({ pk: 'D1', sk: '2026-11-23T05:15:00.000Z#iaq~15' });
  });
});

describe('dead letter lines', () => {
  it('carry reason, detail, positions and the raw payload (bytes as base64)', () => {
    const at = Date.UTC(2026, 10, 23);
    const positions = PositionSet.range('shardId-000000000001', 4, 5);
    expect(
      deadLetterLine(
        deadLetter('invalid-json', 'bad', Uint8Array.of(0xff, 0x7b), positions),
        at,
        'devices',
      ),
    ).toEqual({
      reason: 'invalid-json',
      detail: 'bad',
      positions: { 'shardId-000000000001': [[4, 5]] },
      raw: { base64: '/3s=' },
      at: '2026-11-23T00:00:00.000Z',
      pipeline: 'devices',
    });
    expect(deadLetterLine(deadLetter('late', 'w', { ts: 1 }, positions), at).raw).toEqual({
      ts: 1,
    });
  });

  it('name their source records by Kinesis position when the consumer can resolve them', () => {
    const positions = PositionSet.range('shardId-000000000001', 4, 6);
    const resolve = (shardId: string, ordinal: number) =>
      ordinal === 6
        ? undefined
        : { sequenceNumber: `4960${ordinal}`, subSequenceNumber: ordinal - 4 };
    const line = deadLetterLine(deadLetter('schema', 'x', 'raw', positions), 0, undefined, resolve);
    expect(line.source).toEqual([
      { shardId: 'shardId-000000000001', sequenceNumber: '49604', subSequenceNumber: 0 },
      { shardId: 'shardId-000000000001', sequenceNumber: '49605', subSequenceNumber: 1 },
    ]);
    expect(deadLetterLine(deadLetter('schema', 'x', 'raw', positions), 0).source).toBeUndefined();
  });
});
