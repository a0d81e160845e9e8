import fc from 'fast-check';
import { from, toArray, lastValueFrom } from 'rxjs';
import {
  PositionSet,
  PositionSetBuilder,
  deadLetter,
  traced,
  tracedSource,
  type DeadLetter,
} from './index.js';
import { isDeadLetter, splitDeadLetters, type Flow } from '../../operators/flow/index.js';

const SHARDS = ['shardId-000', 'shardId-001', 'shardId-002'];
const arbPositions = fc.array(
  fc.record({ shardId: fc.constantFrom(...SHARDS), ordinal: fc.nat(200) }),
  { maxLength: 60 },
);
const keyOf = (p: { shardId: string; ordinal: number }): string => `${p.shardId}#${p.ordinal}`;

/** Checks the representation invariant through the public API: sorted, disjoint, non-adjacent. */
function assertCompact(set: PositionSet): void {
  for (const shard of set.shards()) {
    const ranges = set.ranges(shard);
    expect(ranges.length).toBeGreaterThan(0);
    for (let i = 0; i < ranges.length; i++) {
      expect(ranges[i]!.from).toBeLessThanOrEqual(ranges[i]!.to);
      if (i > 0) expect(ranges[i]!.from).toBeGreaterThan(ranges[i - 1]!.to + 1);
    }
  }
}

describe('PositionSet', () => {
  it('compacts consecutive ordinals into one range per shard', () => {
    const set = PositionSet.of(
      { shardId: 'a', ordinal: 3 },
      { shardId: 'a', ordinal: 1 },
      { shardId: 'a', ordinal: 2 },
      { shardId: 'b', ordinal: 7 },
      { shardId: 'a', ordinal: 5 },
    );
    expect(set.ranges('a')).toEqual([
      { from: 1, to: 3 },
      { from: 5, to: 5 },
    ]);
    expect(set.ranges('b')).toEqual([{ from: 7, to: 7 }]);
    expect(set.size).toBe(5);
    expect(set.toString()).toBe('a:[1-3,5] b:[7]');
  });

  it('union fills a gap between ranges', () => {
    const set = PositionSet.range('a', 0, 4).union(PositionSet.range('a', 10, 12));
    expect(set.union(PositionSet.range('a', 5, 9)).ranges('a')).toEqual([{ from: 0, to: 12 }]);
  });

  it('rejects negative or fractional ordinals and inverted ranges', () => {
    expect(() => PositionSet.single('a', -1)).toThrow(RangeError);
    expect(() => PositionSet.single('a', 1.5)).toThrow(RangeError);
    expect(() => PositionSet.range('a', 5, 4)).toThrow(RangeError);
  });

  it('round-trips through JSON', () => {
    const set = PositionSet.of({ shardId: 'a', ordinal: 1 }, { shardId: 'b', ordinal: 9 });
    const json = JSON.parse(JSON.stringify(set));
    expect(json).toEqual({ a: [[1, 1]], b: [[9, 9]] });
    expect(PositionSet.fromJSON(json).equals(set)).toBe(true);
  });

  it('a spent builder refuses changes', () => {
    const b = new PositionSetBuilder().add('a', 1);
    b.build();
    expect(() => b.add('a', 2)).toThrow(/after build/);
  });

  it('property: holds exactly the positions added, compactly, in any order or grouping', () => {
    fc.assert(
      fc.property(arbPositions, arbPositions, (xs, ys) => {
        const expected = new Set([...xs, ...ys].map(keyOf));
        const viaUnion = PositionSet.of(...xs).union(PositionSet.of(...ys));
        const builder = new PositionSetBuilder();
        for (const p of ys) builder.add(p.shardId, p.ordinal);
        builder.addSet(PositionSet.of(...xs));
        const viaBuilder = builder.build();
        const viaAdd = [...xs, ...ys].reduce(
          (s, p) => s.add(p.shardId, p.ordinal),
          PositionSet.empty,
        );
        for (const set of [viaUnion, viaBuilder, viaAdd]) {
          assertCompact(set);
          expect(new Set([...set].map(keyOf))).toEqual(expected);
          expect(set.size).toBe(expected.size);
          const mismatches: string[] = [];
          for (const shard of SHARDS) {
            for (let o = 0; o <= 201; o++) {
              if (set.has(shard, o) !== expected.has(`${shard}#${o}`))
                mismatches.push(`${shard}#${o}`);
            }
          }
          expect(mismatches).toEqual([]);
        }
        expect(viaUnion.equals(viaBuilder)).toBe(true);
        expect(viaUnion.equals(viaAdd)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('property: unionAll is the union of its inputs and is order-independent', () => {
    fc.assert(
      fc.property(fc.array(arbPositions, { maxLength: 8 }), (groups) => {
        const sets = groups.map((g) => PositionSet.of(...g));
        const all = PositionSet.unionAll(sets);
        const reversed = PositionSet.unionAll([...sets].reverse());
        expect(all.equals(reversed)).toBe(true);
        expect(new Set([...all].map(keyOf))).toEqual(new Set(groups.flat().map(keyOf)));
      }),
      { numRuns: 100 },
    );
  });
});

describe('Flow and dead letters', () => {
  it('splitDeadLetters routes dead letters aside and keeps order of results', async () => {
    const a = traced(1, PositionSet.single('s', 0));
    const bad = deadLetter('late', 'too late', 2, PositionSet.single('s', 1));
    const c = traced(3, PositionSet.single('s', 2));
    const dead: DeadLetter[] = [];
    const input: Flow<number>[] = [a, bad, c];
    const out = await lastValueFrom(
      from(input).pipe(
        splitDeadLetters((d) => dead.push(d)),
        toArray(),
      ),
    );
    expect(out).toEqual([a, c]);
    expect(dead).toEqual([bad]);
    expect(isDeadLetter(bad)).toBe(true);
    expect(isDeadLetter(a)).toBe(false);
  });

  it('tracedSource carries the record position', () => {
    const record = {
      position: { shardId: 's', sequenceNumber: '1', subSequenceNumber: 0, ordinal: 4 },
      partitionKey: 'k',
      data: new Uint8Array(),
      approximateArrivalTimestamp: 0,
    };
    expect(tracedSource(record).positions.equals(PositionSet.single('s', 4))).toBe(true);
  });
});
