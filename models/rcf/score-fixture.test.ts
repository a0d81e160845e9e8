import { readFileSync } from 'node:fs';
import { RandomCutForest } from './index.js';
import {
  decodeFloats,
  recordCase,
  SCORE_CASES,
  type RecordedCase,
} from './fixtures/score-cases.js';
import { restoreForest, serializeForest } from './codec.js';

/**
 * The memory work of #16 (boxes cached for a fraction of the nodes, shingles stored once,
 * float32 cuts) must not change a score: `fixtures/scores.json` holds the scores and
 * attributions of the forest before it (written by `bench/rcf-score-fixture.ts`).
 */
const recorded = JSON.parse(
  readFileSync(new URL('./fixtures/scores.json', import.meta.url), 'utf8'),
) as RecordedCase[];

/** Largest absolute difference (0: identical; the issue allows 1e-9, none is needed). */
const maxDiff = (a: readonly number[], b: readonly number[]): number => {
  expect(a).toHaveLength(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - (b[i] ?? NaN))), 0);
};

/** Cases × cache fractions × inputs replayed (a prefix of a stream scores as in the whole). */
const RUNS = SCORE_CASES.flatMap((c, i) =>
  i < 2
    ? [
        [c.name, 1, 500],
        [c.name, 0.5, 500],
        [c.name, 0.1, 300],
        [c.name, 0, 200],
      ]
    : [1, 0.5, 0.1, 0].map((f) => [c.name, f, Infinity]),
) as [string, number, number][];

describe('scores unchanged by the memory work (fixed seeds, recorded before it)', () => {
  it.each(RUNS)('%s, cache fraction %s, %s inputs', (name, fraction, limit) => {
    const c = SCORE_CASES.find((x) => x.name === name);
    const before = recorded.find((x) => x.name === name);
    if (!c || !before) throw new Error(`no case ${name}`);
    const options = { ...c.options, boundingBoxCacheFraction: fraction };
    const now = recordCase({ ...c, options }, limit);
    const scores = decodeFloats(now.scores);
    const n = scores.length;
    expect(scores.filter((s) => s > 0).length).toBeGreaterThan(n / 3);
    const prefix = (s: string, m: number) => decodeFloats(s).slice(0, m);
    // float32 unions are exact whatever the cache: equal, not merely close
    expect(maxDiff(scores, prefix(before.scores, n))).toBe(0);
    expect(maxDiff(decodeFloats(now.attributedScores), prefix(before.attributedScores, n))).toBe(0);
    const attributions = decodeFloats(now.attributions);
    expect(maxDiff(attributions, prefix(before.attributions, attributions.length))).toBe(0);
  });

  it('keeps recorded scores across serialize/restore', () => {
    const c = SCORE_CASES[2];
    const before = recorded[2];
    if (!c || !before) throw new Error('no case');
    const inputs = c.inputs();
    const forest = new RandomCutForest({ ...c.options, boundingBoxCacheFraction: 0.3 });
    inputs.slice(0, 600).forEach((x) => forest.process(x));
    const restored = restoreForest(JSON.parse(JSON.stringify(serializeForest(forest))));
    const rest = inputs.slice(600).map((x) => restored.process(x));
    expect(maxDiff(rest, decodeFloats(before.scores).slice(600))).toBe(0);
  });
});
