import { rejects, withTreeValues as values } from '../testing/rcf-snapshots.js';
import { RandomCutForest, restoreForest, serializeForest } from './index.js';
import type { SerializedForest } from './codec.js';

/** A 2-tree forest of sample size 8, 2 dimensions, after 40 points. */
function model(boundingBoxCacheFraction: number): SerializedForest {
  const forest = new RandomCutForest({
    dimensions: 2,
    numberOfTrees: 2,
    sampleSize: 8,
    seed: 3,
    boundingBoxCacheFraction,
  });
  for (let i = 0; i < 40; i += 1) forest.process([i % 11, (i * 7) % 5]);
  return JSON.parse(JSON.stringify(serializeForest(forest))) as SerializedForest;
}

describe('restore checks every point against the cuts above it and the cached boxes', () => {
  it('restores valid models at every cache fraction', () => {
    for (const f of [0, 0.5, 1]) expect(() => restoreForest(model(f))).not.toThrow();
  });

  it('rejects a finite cut with points of its right subtree below it (no box to catch it)', () => {
    const m = model(0);
    rejects(
      values(m, (v, t) => void (v.cutVal[t.root] = 1e6)),
      /serialized tree 1 .*node \d+: its right subtree reaches [\d.]+ on dimension \d, not above cutVal 1000000/,
    );
  });

  it('rejects a finite cut with points of its left subtree above it', () => {
    const m = model(0);
    rejects(
      values(m, (v, t) => void (v.cutVal[t.root] = -1e6)),
      /node \d+: its left subtree reaches [\d.]+ on dimension \d, above cutVal -1000000/,
    );
  });

  it('rejects a cached box that still holds its cut but is not its subtree’s union', () => {
    const m = model(1);
    rejects(
      values(m, (v, t) => {
        v.boxLo[2 * t.root] = (v.boxLo[2 * t.root] as number) - 1;
        v.boxLo[2 * t.root + 1] = (v.boxLo[2 * t.root + 1] as number) - 1;
      }),
      /node \d+: cached box \[-?[\d.]+, [\d.]+\] on dimension 0 is not its subtree's \[/,
    );
  });
});
