/**
 * @module bench/rcf-v2-fixture
 * Writes `models/rcf/fixtures/forest-v2.json`: small forests serialized by the version 2
 * codec as it was before the forest-level tree arrays (commit cb446c3), the scores they gave
 * the next inputs, and their serialized form after those inputs. `rcf.test.ts` restores
 * them with today's codec and asserts the same scores and the same state. Run once, on the
 * codec that wrote the snapshots to keep reading. `npx tsx bench/rcf-v2-fixture.ts`
 */
import { writeFileSync } from 'node:fs';
import { seedState, sfc32 } from '../core/index.js';
import { RandomCutForest, serializeForest, type RandomCutForestOptions } from '../models/index.js';

const g = sfc32(seedState(13));
const walk = [0, 0, 0, 0, 0, 0];
const windows = Array.from({ length: 503 }, (_, i) => {
  for (let m = 0; m < 6; m += 1) walk[m] = 0.98 * (walk[m] ?? 0) + (g.next() - 0.5);
  return walk.map((v, m) => v + Math.sin(i / (30 + m)) + (g.next() < 0.01 ? 6 : 0));
});
const cases: [string, RandomCutForestOptions, number[][]][] = [
  [
    'devices24',
    {
      dimensions: 24,
      numberOfTrees: 6,
      sampleSize: 16,
      outputAfter: 8,
      seed: 3,
      boundingBoxCacheFraction: 0,
    },
    windows.slice(0, 500).map((_, i) => windows.slice(i, i + 4).flat()),
  ],
  [
    'shingle4',
    {
      dimensions: 1,
      shingleSize: 4,
      numberOfTrees: 6,
      sampleSize: 16,
      seed: 5,
      boundingBoxCacheFraction: 0.5,
    },
    windows.slice(0, 500).map((w) => [w[0] ?? 0]),
  ],
  [
    'duplicates',
    {
      dimensions: 2,
      numberOfTrees: 5,
      sampleSize: 16,
      timeDecay: 0,
      seed: 6,
      boundingBoxCacheFraction: 1,
    },
    // + 0: no −0 (JSON writes it as 0, so the test would feed other bits)
    windows.slice(0, 500).map((w) => [Math.round(w[1] ?? 0) + 0, Math.round(w[2] ?? 0) + 0]),
  ],
];
const out: Record<string, unknown> = {};
for (const [name, options, inputs] of cases) {
  const f = new RandomCutForest(options);
  inputs.slice(0, 450).forEach((p) => f.process(p));
  const model = serializeForest(f);
  const next = inputs.slice(450);
  const scores = next.map((p) => f.process(p));
  out[name] = { model, inputs: next, scores, after: serializeForest(f) };
}
const file = new URL('../models/rcf/fixtures/forest-v2.json', import.meta.url);
writeFileSync(file, `${JSON.stringify(out)}\n`);
console.log(`wrote ${file.pathname}`);
