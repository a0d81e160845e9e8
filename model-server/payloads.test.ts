import { movingAverage, RandomCutForest, type Forecaster } from '../models/index.js';
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

describe('forecaster requests with covariates (the key’s other measures)', () => {
  /** A multivariate stub: last value + h × the last `gain`; NaN gain → persistence. */
  const gainModel: Forecaster = {
    kind: 'gain',
    inputLength: 4,
    horizon: 2,
    covariates: ['gain'],
    predict: (windows, contexts) =>
      windows.map((w, i) => {
        const gain = contexts?.[i]?.covariates?.gain?.at(-1) ?? Number.NaN;
        const last = w[3] as number;
        return [1, 2].map((h) => last + (Number.isFinite(gain) ? gain * h : 0));
      }),
    toJSON: () => ({ format: 'shardflow-forecaster', kind: 'gain', inputLength: 4, horizon: 2 }),
  };
  const model: Model = { kind: 'forecaster', name: 'power', forecaster: gainModel };
  const predict = (m: Model, body: unknown) =>
    JSON.parse(invokeModel(m, JSON.stringify(body), 'application/json').body) as {
      predictions: unknown[];
    };
  const reason = (m: Model, body: unknown, type = 'application/json') => {
    try {
      invokeModel(m, typeof body === 'string' ? body : JSON.stringify(body), type);
    } catch (e) {
      expect(e).toBeInstanceOf(PayloadError);
      return `${(e as PayloadError).status} ${(e as PayloadError).reason}`;
    }
    throw new Error('no error');
  };

  it('passes named covariates to the model (ours and DeepAR’s instance, aligned with the target)', () => {
    const ours = predict(model, {
      instances: [
        { features: [1, 2, 3, 4], covariates: { gain: [0, 0, 0, 2], other: [9, 9, 9, 9] } },
      ],
    });
    expect(ours.predictions).toEqual([[6, 8]]);
    const deepar = predict(model, {
      instances: [
        {
          start: '2026-01-01 00:00:00',
          target: [0, 0, 1, 2, 3, 4],
          covariates: { gain: [7, 7, 0, 0, 0, 3] },
        },
      ],
    });
    expect(deepar.predictions).toEqual([{ mean: [7, 10] }]);
    // null is a missing value: the model's own rule (here persistence) answers that window
    const missing = predict(model, {
      instances: [{ features: [1, 2, 3, 4], covariates: { gain: [0, 0, 0, null] } }],
    });
    expect(missing.predictions).toEqual([[4, 4]]);
  });

  it('a multivariate model asked without its covariates is a 400 naming them, not persistence', () => {
    expect(reason(model, { instances: [[1, 2, 3, 4]] })).toMatch(
      /^400 instance 0: model power reads covariates gain; missing gain/,
    );
    expect(
      reason(model, {
        instances: [{ features: [1, 2, 3, 4], covariates: { voltage: [1, 1, 1, 1] } }],
      }),
    ).toMatch(/missing gain/);
    expect(reason(model, '1,2,3,4', 'text/csv')).toMatch(/^400 instance 0: .*missing gain/);
  });

  it('bad covariates are 400s naming the instance and the covariate', () => {
    const body = (covariates: unknown) => ({
      instances: [[1, 2, 3, 4], { features: [1, 2, 3, 4], covariates }],
    });
    expect(reason(model, body([1, 2]))).toBe(
      '400 instance 1: "covariates" must be an object of arrays by name',
    );
    expect(reason(model, body({ gain: [1, 2] }))).toBe(
      '400 instance 1: covariate "gain" must be an array of 4 values (as the window)',
    );
    expect(reason(model, body({ gain: [1, 2, 'x', 4] }))).toBe(
      '400 instance 1: covariate "gain" value 2 is not a number or null',
    );
    expect(reason(model, body({ 'a b': [1, 2, 3, 4] }))).toMatch(/"a b" is not a measure name/);
  });

  it('a univariate model ignores covariates', () => {
    const plain = predict(forecaster, { instances: [[1, 2, 3, 4]] });
    const withCovariates = predict(forecaster, {
      instances: [{ features: [1, 2, 3, 4], covariates: { gain: [1, 1, 1, 1] } }],
    });
    expect(withCovariates).toEqual(plain);
  });
});
