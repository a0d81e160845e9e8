import { from, lastValueFrom, toArray } from 'rxjs';
import { deadLetter, PositionSet, traced } from '../../core/lineage/index.js';
import { isDeadLetter, mapTraced, type Flow } from './index.js';

const p = (o: number) => PositionSet.single('shardId-0', o);
const input: Flow<number>[] = [
  traced(4, p(0)),
  deadLetter('schema', 's', 'x', p(1)),
  traced(0, p(2)),
];
const invert = (x: number) => {
  if (x === 0) throw new Error('division by zero');
  return 1 / x;
};

describe('mapTraced with unscorable', () => {
  it('maps values, passes dead letters, and dead-letters values the projection throws on', async () => {
    const out = await lastValueFrom(
      from(input).pipe(mapTraced(invert, { unscorable: 'invert' }), toArray()),
    );
    expect(out[0]).toEqual(traced(0.25, p(0)));
    expect(out[1]).toBe(input[1]);
    expect(isDeadLetter(out[2]!)).toBe(true);
    expect(out[2]).toMatchObject({
      reason: 'unscorable',
      detail: 'invert: division by zero',
      raw: 0,
    });
    expect(out[2]!.positions.equals(p(2))).toBe(true);
  });
});
