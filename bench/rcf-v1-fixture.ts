/**
 * @module bench/rcf-v1-fixture
 * Writes `models/rcf/fixtures/forest-v1.json`: two small forests serialized by the version 1
 * codec of the forest before #16 (commit 1dfe824, see `rcf-before.ts`), with the scores that
 * forest gave the next 100 inputs; `rcf.test.ts` restores them with today's codec and
 * asserts the same scores. `npx tsx bench/rcf-v1-fixture.ts`
 */
import { writeFileSync } from 'node:fs';
import { seedState, sfc32 } from '../core/index.js';
import type { RandomCutForestOptions } from '../models/index.js';
import { loadBefore } from './rcf-before.js';

interface OldForest {
  process(input: ArrayLike<number>): number;
}
const before = await loadBefore();
if (!before) throw new Error('needs git and commit 1dfe824');
const Forest = before.forest.RandomCutForest as new (o: RandomCutForestOptions) => OldForest;
const serialize = before.codec.serializeForest as (f: OldForest) => unknown;
const g = sfc32(seedState(12));
const inputs = Array.from({ length: 500 }, (_, i) => [
  Math.sin(i / 9) * 3 + g.next(),
  Math.round(g.next() * 4),
]);
const out: Record<string, unknown> = { inputs: inputs.slice(400) };
const cases: [string, RandomCutForestOptions][] = [
  ['shingle2', { dimensions: 2, shingleSize: 2, numberOfTrees: 8, sampleSize: 16, seed: 4 }],
  ['whole', { dimensions: 2, numberOfTrees: 8, sampleSize: 16, seed: 4 }],
];
for (const [name, options] of cases) {
  const f = new Forest(options);
  inputs.slice(0, 400).forEach((p) => f.process(p));
  const model = serialize(f);
  out[name] = { model, next: inputs.slice(400).map((p) => f.process(p)) };
}
before.dispose();
const file = new URL('../models/rcf/fixtures/forest-v1.json', import.meta.url);
writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
console.log(`wrote ${file.pathname}`);
