import { movingAverage, RandomCutForest } from '../models/index.js';
import { invokeModel, invokeModelAsync, PayloadError, type Model } from './payloads.js';

const forest = new RandomCutForest({ dimensions: 2, numberOfTrees: 10, sampleSize: 32, seed: 3 });
for (let i = 0; i < 200; i++) forest.updatePoint([Math.sin(i), Math.cos(i)]);
const rcf: Model = { kind: 'rcf', name: 'rcf', forest };
const forecaster: Model = {
  kind: 'forecaster',
  name: 'f',
  forecaster: movingAverage({ inputLength: 4, span: 2 }),
};
const csv = (n: number) =>
  Array.from({ length: n }, (_, i) => `${Math.sin(i / 3).toFixed(3)},${(i % 7) / 7}`).join('\n');

describe('invokeModelAsync: a large body in slices, the event loop free between them', () => {
  it('yields between slices and answers exactly as the one-shot invocation', async () => {
    let yields = 0;
    const yieldNow = () => {
      yields += 1;
      return Promise.resolve();
    };
    const body = csv(1_000);
    const sliced = await invokeModelAsync(rcf, body, 'text/csv', undefined, {
      rowsPerSlice: 100,
      yieldNow,
    });
    expect(yields).toBe(9); // 10 slices of 100 rows
    expect(sliced).toEqual(invokeModel(rcf, body, 'text/csv'));
    const scores = (JSON.parse(sliced.body) as { scores: { score: number }[] }).scores;
    expect(scores).toHaveLength(1_000);
    expect(scores[999]?.score).toBe(
      forest.scorePoint([Number(Math.sin(999 / 3).toFixed(3)), (999 % 7) / 7]),
    );
  });

  it('slices JSON instances of a forecaster the same way', async () => {
    let yields = 0;
    const instances = Array.from({ length: 10 }, (_, i) => [i, i + 1, i + 2, i + 3]);
    const body = JSON.stringify({ instances });
    const out = await invokeModelAsync(forecaster, body, 'application/json', undefined, {
      rowsPerSlice: 3,
      yieldNow: () => Promise.resolve(void (yields += 1)),
    });
    expect(yields).toBe(3);
    expect(out).toEqual(invokeModel(forecaster, body, 'application/json'));
  });

  it('refuses more rows than maxRows with a 413 before scoring anything', async () => {
    let yields = 0;
    const error = await invokeModelAsync(rcf, csv(501), 'text/csv', undefined, {
      maxRows: 500,
      yieldNow: () => Promise.resolve(void (yields += 1)),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadError);
    expect(error).toMatchObject({
      status: 413,
      reason: expect.stringMatching(/^501 rows exceed the limit of 500/),
    });
    expect(yields).toBe(0);
  });

  it('a bad row in a later slice is a 400 naming it, with no partial answer', async () => {
    const body = `${csv(250)}\n1,x\n`;
    await expect(
      invokeModelAsync(rcf, body, 'text/csv', undefined, {
        rowsPerSlice: 100,
        yieldNow: () => Promise.resolve(),
      }),
    ).rejects.toMatchObject({ status: 400, reason: 'CSV row 251: "x" is not a number' });
  });
});
