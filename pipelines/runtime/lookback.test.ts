import { from, lastValueFrom, toArray } from 'rxjs';
import { PositionSet, traced } from '../../core/index.js';
import { isDeadLetter, type Flow, type ResampledPoint } from '../../operators/index.js';
import { KeyedStateBackend } from '../state/index.js';
import { lookback, ringCodec, type Looked, type Ring } from './lookback.js';

const point = (minute: number, segment = 0, key = 'dev-1'): Flow<ResampledPoint> =>
  traced(
    { key, time: minute * 60_000, values: { iaq: minute }, imputed: false, segment },
    PositionSet.single('shardId-0', minute),
  );

const histories = async (rings: KeyedStateBackend, points: Flow<ResampledPoint>[], retain = 3) => {
  const out = await lastValueFrom(
    from(points).pipe(lookback({ rings: rings.register<Ring>('t.ring'), retain }), toArray()),
  );
  return out.map((e) =>
    isDeadLetter(e) ? [] : (e.value as Looked).history.map((v) => v.iaq as number),
  );
};

describe('lookback (keyed ring state)', () => {
  it('keeps the last `retain` points per key and starts a new ring on a new segment', async () => {
    const backend = new KeyedStateBackend();
    expect(await histories(backend, [point(0), point(1), point(2), point(3), point(9, 1)])).toEqual(
      [[0], [0, 1], [0, 1, 2], [1, 2, 3], [9]],
    );
  });

  it('a ring restored from a snapshot continues in a new chain; points already in it are dropped', async () => {
    const first = new KeyedStateBackend();
    await histories(first, [point(0), point(1), point(2)]);
    const restored = new KeyedStateBackend();
    restored.restore(first.snapshot());
    // the seed (minute 2, already in the ring, segment 0 of the new chain's resample) is
    // dropped; minute 3 sees the whole restored look-back
    expect(await histories(restored, [point(2), point(3), point(4)])).toEqual([
      [1, 2, 3],
      [2, 3, 4],
    ]);
  });
});

describe('ringCodec', () => {
  it('round-trips exact doubles, including a measure missing in some windows', () => {
    const ring: Ring = {
      time: 180_000,
      values: [{ iaq: 0.1 + 0.2, co2: 600 }, { iaq: Math.PI }, { iaq: 1e-300, co2: -0 }],
    };
    const codec = ringCodec();
    const back = codec.decode(JSON.parse(JSON.stringify(codec.encode(ring))));
    expect(back).toEqual(ring);
    expect(back.values[0]?.iaq).toBe(0.1 + 0.2);
    expect('co2' in (back.values[1] ?? {})).toBe(false);
  });
});
