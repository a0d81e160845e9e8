import { from, lastValueFrom, toArray } from 'rxjs';
import { PositionSet, type Traced } from '../../core/lineage/index.js';
import { type Flow } from '../flow/index.js';
import { scoreAnomalies, type AnomalyScore } from './index.js';
import { plantedDevices } from './planted.js';

type Row = { deviceId: string; t: number; values: number[]; z: number[] };

describe('anomaly grades on planted, labelled anomalies', () => {
  it('detect planted spikes with useful precision, using default thresholds', async () => {
    const { readings, labels } = plantedDevices({
      devices: 4,
      steps: 2 * 1440,
      seed: 11,
      anomalyRate: 0.003,
    });
    // per-device running z-normalization (Welford)
    const stats = new Map<string, { n: number; mean: number[]; m2: number[] }>();
    const rows: Flow<Row>[] = readings.map((r, i) => {
      let s = stats.get(r.deviceId);
      if (!s) stats.set(r.deviceId, (s = { n: 0, mean: [0, 0, 0], m2: [0, 0, 0] }));
      const st = s;
      st.n += 1;
      const z = r.values.map((v, k) => {
        const d = v - (st.mean[k] as number);
        st.mean[k] = (st.mean[k] as number) + d / st.n;
        st.m2[k] = (st.m2[k] as number) + d * (v - (st.mean[k] as number));
        const sd = st.n > 1 ? Math.sqrt((st.m2[k] as number) / (st.n - 1)) : 0;
        return sd > 0 ? (v - (st.mean[k] as number)) / sd : 0;
      });
      return { value: { ...r, z }, positions: PositionSet.single('s', i) };
    });
    const results = await lastValueFrom(
      from(rows).pipe(
        scoreAnomalies<Row>({
          key: (r) => r.deviceId,
          features: (r) => r.z,
          forest: { dimensions: 3, numberOfTrees: 30, seed: 3 },
        }),
        toArray(),
      ),
    );
    const out = results as Traced<AnomalyScore<Row>>[];
    const burnIn = 1440 * 60_000;
    const judged = labels.filter((l) => l.start >= burnIn);
    const spikes = judged.filter((l) => l.kind === 'spike');
    expect(spikes.length).toBeGreaterThanOrEqual(3);
    const confident = out.filter((o) => o.value.input.t >= burnIn && o.value.grade >= 0.5);
    const hit = (o: Traced<AnomalyScore<Row>>) =>
      judged.some(
        (l) =>
          l.deviceId === o.value.key &&
          o.value.input.t >= l.start &&
          o.value.input.t <= l.end + 120_000,
      );
    const detectedSpikes = spikes.filter((l) =>
      confident.some((o) => o.value.key === l.deviceId && o.value.input.t === l.start),
    );
    expect(detectedSpikes.length / spikes.length).toBeGreaterThanOrEqual(0.9);
    expect(confident.filter(hit).length / confident.length).toBeGreaterThanOrEqual(0.6);
  });
});
