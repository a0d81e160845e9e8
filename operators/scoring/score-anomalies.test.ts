import { from, lastValueFrom, toArray } from 'rxjs';
import { PositionSet, deadLetter, type DeviceReading } from '../../core/index.js';
import { isDeadLetter, type Flow } from '../flow/index.js';
import { scoreAnomalies, type AnomalyScore } from './index.js';

const MIN = 60_000;
interface W {
  key: string;
  time: number;
  values: number[];
}

/** Two keys, one window a minute, a smooth wobble; `d1` freezes at minute 300 for 40 minutes. */
function windows(): W[] {
  const out: W[] = [];
  for (let m = 0; m < 400; m += 1)
    for (const key of ['d1', 'd2']) {
      const frozen = key === 'd1' && m >= 300 && m < 340;
      const t = frozen ? 300 : m;
      out.push({
        key,
        time: m * MIN,
        values: [
          600 + Math.round(40 * Math.sin(t / 7) + ((t * 7919) % 13)),
          21 + ((t * 31) % 17) / 100,
        ],
      });
    }
  return out;
}

const run = async (flows: Flow<W>[]) =>
  lastValueFrom(
    from(flows).pipe(
      scoreAnomalies<W>({
        key: (w) => w.key,
        features: (w) => w.values,
        measures: ['co2', 'temperature'],
        window: (w) => ({ time: w.time, values: w.values }),
        forest: { dimensions: 2, numberOfTrees: 20, sampleSize: 32, seed: 3 },
      }),
      toArray(),
    ),
  );

describe('scoreAnomalies: anomaly events', () => {
  it('reports a frozen sensor as one stuck event that opens, extends and closes', async () => {
    const flows = windows().map((value, i) => ({ value, positions: PositionSet.single('s', i) }));
    const out = (await run(flows)).flatMap((o) =>
      isDeadLetter(o) ? [] : [(o as { value: AnomalyScore<W> }).value],
    );
    expect(out).toHaveLength(800);
    const events = out.filter((o) => o.key === 'd1').flatMap((o) => o.events);
    const stuck = events.filter((e) => e.kind === 'stuck');
    // one event (one start), reported while open and once closed
    expect(new Set(stuck.map((e) => e.start)).size).toBe(1);
    const last = stuck[stuck.length - 1];
    expect(last).toMatchObject({ open: false, end: 339 * MIN });
    // the event starts at the first frozen window, though the run is judged stuck later
    expect(last?.start).toBe(300 * MIN);
    expect(stuck.slice(0, -1).every((e) => e.open)).toBe(true);
    expect(out.filter((o) => o.key === 'd2').flatMap((o) => o.events)).toEqual([]);
  });

  it('passes out-of-range dead letters through and reports them as range evidence of their key', async () => {
    const flows: Flow<W>[] = windows()
      .slice(0, 420)
      .map((value, i) => ({ value, positions: PositionSet.single('s', i) }));
    const bad: DeviceReading = {
      kind: 'device',
      deviceId: 'd2',
      ts: new Date(200 * MIN + 20_000).toISOString(),
      readings: { iaq: 50, temperature: 21, humidity: 140, voc: 0.5, pressure: 1013, co2: 600 },
    };
    const dead = deadLetter('out-of-range', 'humidity=140', bad, PositionSet.single('s', 999));
    flows.splice(402, 0, dead); // right after d2's window at minute 200
    const out = await run(flows);
    expect(out.filter(isDeadLetter)).toEqual([dead]);
    const d2 = out.flatMap((o) =>
      isDeadLetter(o) ? [] : [(o as { value: AnomalyScore<W> }).value],
    );
    const range = d2.filter((o) => o.key === 'd2').flatMap((o) => o.events);
    expect(range[0]).toMatchObject({
      start: 200 * MIN,
      end: 201 * MIN,
      kind: 'range',
      explanation: { humidity: { DIRECTION: 'HIGH', STRENGTH: '1', ATTRIBUTION_SCORE: '1' } },
    });
  });
});
