/**
 * The batch-transform output → lake rows conversion: the AWS job's joined lines
 * (`SageMakerOutput`) and top-level scores, unusable lines counted, one object per day with
 * duplicates collapsed.
 */
import { batchOutputRow, batchScoresKey, parseBatchOutput, writeBatchScores } from './index.js';

const t = Date.parse('2026-11-23T23:59:00Z');

describe('batch output', () => {
  it('reads joined transform output lines and plain score lines', () => {
    expect(
      batchOutputRow({
        time: '2026-11-23T23:59:00.000Z',
        pipeline: 'households',
        key: 'h-1',
        SageMakerOutput: { score: 1.5 },
      }),
    ).toEqual([t, 'households', 'h-1', 1.5]);
    expect(
      batchOutputRow({ time: '2026-11-23T23:59:00Z', pipeline: 'p', key: 'k', score: 2 }),
    ).toEqual([t, 'p', 'k', 2]);
    expect(batchOutputRow({ time: 'x', pipeline: 'p', key: 'k', score: 2 })).toBeUndefined();
    expect(
      batchOutputRow({ time: '2026-11-23T00:00:00Z', pipeline: 'p', key: 'k' }),
    ).toBeUndefined();
    const { rows, unusable } = parseBatchOutput(
      '{"time":"2026-11-23T23:59:00Z","pipeline":"p","key":"k","SageMakerOutput":{"score":3}}\nnot json\n\n{"a":1}\n',
    );
    expect(rows).toEqual([[t, 'p', 'k', 3]]);
    expect(unusable).toBe(2);
  });

  it('writes one object per day, sorted, the last of a duplicated key winning', async () => {
    const written = new Map<string, string>();
    const target = {
      location: 'memory',
      write: (key: string, body: Uint8Array) => {
        written.set(key, Buffer.from(body).toString('utf8'));
        return Promise.resolve();
      },
    };
    const keys = await writeBatchScores(
      target,
      [
        [t + 60_000, 'p', 'b', 1],
        [t, 'p', 'b', 1],
        [t, 'p', 'a', 2],
        [t, 'p', 'a', 3],
      ],
      { base: 'x/', format: 'csv' },
    );
    expect(keys).toEqual([
      batchScoresKey('2026-11-23', 'x/', 'csv'),
      batchScoresKey('2026-11-24', 'x/', 'csv'),
    ]);
    expect(written.get('x/scores_batch/dt=2026-11-23/scores_batch.csv')).toBe(
      'time,pipeline,key,score\n2026-11-23T23:59:00.000Z,p,a,3\n2026-11-23T23:59:00.000Z,p,b,1\n',
    );
    expect(batchScoresKey('2026-11-23')).toBe(
      'lake/scores_batch/dt=2026-11-23/scores_batch.parquet',
    );
  });
});
