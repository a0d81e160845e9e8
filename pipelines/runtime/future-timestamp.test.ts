/**
 * Issue #12 "one future timestamp dead-letters everyone", through the whole device pipeline:
 * a reading dated 9999-12-31 becomes one `future-timestamp` dead letter and the shard's
 * watermark stays plausible, so the next 150 good readings of 5 other devices are all scored.
 */
import { from, lastValueFrom, toArray } from 'rxjs';
import type { SourceRecord } from '../../core/index.js';
import { movingAverage } from '../../models/index.js';
import { device, record } from '../../operators/testing/fixtures.js';
import { createDevicePipeline } from '../devices/index.js';
import { KeyedStateBackend } from '../state/index.js';

const fastModels = {
  forecaster: movingAverage({ inputLength: 10, span: 5 }),
  forest: { numberOfTrees: 30, sampleSize: 32, outputAfter: 8, seed: 7 },
  thresholder: { minScores: 5, zFactor: 2.5 },
};

describe('devices pipeline: event time bounded by the clock', () => {
  it('dead-letters a reading dated 9999-12-31 as future-timestamp and scores every later good reading', async () => {
    const broken = device('BROKEN', 0);
    const records: SourceRecord[] = [record(0, { ...broken, ts: '9999-12-31T23:59:59.000Z' })];
    for (let m = 0; m < 30; m++)
      for (let d = 0; d < 5; d++)
        records.push(record(records.length, device(`dev-${d}`, m * 60 + 10)));
    // the scheduler's clock (the default, asyncScheduler) is the ingest clock: these readings
    // of 1970 are in its past, the broken one far in its future
    const items = await lastValueFrom(
      from(records).pipe(
        createDevicePipeline({ ...fastModels, retain: 10 }, { state: new KeyedStateBackend() }),
        toArray(),
      ),
    );
    const dead = items.flatMap((i) => i.outputs.deadLetters);
    expect(dead.map((d) => d.reason)).toEqual(['future-timestamp']);
    expect(dead[0]?.detail).toMatch(/^event time 9999-12-31T23:59:59.000Z is \d+ ms ahead/);
    const scores = items.flatMap((i) => i.outputs.scores);
    expect(scores).toHaveLength(150);
    expect(new Set(scores.map((s) => s.key))).toEqual(
      new Set(['dev-0', 'dev-1', 'dev-2', 'dev-3', 'dev-4']),
    );
  });
});
