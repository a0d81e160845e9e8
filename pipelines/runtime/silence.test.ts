/**
 * The devices pipeline notices a dropout while the device is silent: the shard's watermark
 * (moved by another device's windows) passes the silent device's expected windows, and its
 * detector opens a dropout event then — not only when the device comes back.
 */
import { from, lastValueFrom, toArray } from 'rxjs';
import type { SourceRecord } from '../../core/index.js';
import { device, record } from '../../operators/testing/fixtures.js';
import { createDevicePipeline } from '../devices/index.js';
import { KeyedStateBackend } from '../state/index.js';

const MIN = 60;
const models = { forest: { numberOfTrees: 20, sampleSize: 32, outputAfter: 8, seed: 7 } };

describe('dropouts in processing time', () => {
  it('a silent device gets an open dropout event while another device keeps the watermark moving', async () => {
    const records: SourceRecord[] = [];
    let n = 0;
    for (let m = 0; m < 90; m++) {
      const wobble = Math.sin(m / 3);
      records.push(record(n++, device('d1', m * MIN + 10, 50 + 2 * wobble)));
      // d2 stops after minute 59 and never comes back
      if (m < 60) records.push(record(n++, device('d2', m * MIN + 20, 60 + 2 * wobble)));
    }
    const items = await lastValueFrom(
      from(records).pipe(
        createDevicePipeline(models, { state: new KeyedStateBackend() }),
        toArray(),
      ),
    );
    const rows = items.flatMap((i) => i.outputs.anomalies).filter((r) => r.key.pk === 'd2');
    const dropouts = rows.filter((r) => r.attributes.kind === 'dropout');
    expect(dropouts.length).toBeGreaterThan(0);
    // one event (one table row: key + start), starting at the first missing window, still open
    expect(new Set(dropouts.map((r) => r.key.sk))).toEqual(
      new Set([new Date(60 * MIN * 1000).toISOString()]),
    );
    const last = dropouts[dropouts.length - 1]?.attributes;
    expect(last?.open).toBe(true);
    // it grew while d2 stayed silent: the watermark reached minute ≈ 89 (d1's last window)
    expect(Date.parse(String(last?.end))).toBeGreaterThanOrEqual(80 * MIN * 1000);
    // the items carrying it have no score line of their own (no window of d2)
    const carriers = items.filter((i) => i.outputs.anomalies.some((r) => r.key.pk === 'd2'));
    expect(carriers.every((i) => i.outputs.scores.length === 0)).toBe(true);
  });
});
