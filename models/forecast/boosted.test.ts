import { ConfigError, prng } from '../../core/index.js';
import {
  fitBoosted,
  fitGbt,
  fitLinearAr,
  forecasterFromJson,
  lastValue,
  predictGbt,
  type ForecastContext,
  type Forecaster,
} from './index.js';

/** A level that jumps now and then, with one-minute spikes that revert (the household shape). */
function spiky(n: number, seed: number): number[] {
  const source = prng(seed);
  const r = () => source.next();
  let level = 1;
  return Array.from({ length: n }, () => {
    if (r() < 0.02) level = 0.5 + 3 * r();
    const spike = r() < 0.05 ? 4 : 0;
    return level + spike + 0.05 * (r() - 0.5);
  });
}

const meanMae = (m: Forecaster, series: number[], contexts?: (t: number) => ForecastContext) => {
  let sum = 0;
  let n = 0;
  for (let t = m.inputLength; t + m.horizon <= series.length; t += 1) {
    const [p] = m.predict([series.slice(t - m.inputLength, t)], [contexts?.(t)]);
    p?.forEach((v, h) => (sum += Math.abs(v - (series[t + h] as number))));
    n += m.horizon;
  }
  return sum / n;
};

describe('gradient-boosted trees (absolute error)', () => {
  it('learn a step function and are deterministic for a seed', () => {
    const rows = Array.from({ length: 400 }, (_, i) => [i / 400, (i * 7) % 13]);
    const y = rows.map(([a]) => ((a as number) < 0.5 ? 0 : 10));
    const model = fitGbt(rows, y, { trees: 40, learningRate: 0.3, minLeaf: 5 });
    expect(predictGbt(model, [0.1, 3])).toBeCloseTo(0, 1);
    expect(predictGbt(model, [0.9, 3])).toBeCloseTo(10, 1);
    expect(fitGbt(rows, y, { trees: 5 })).toEqual(fitGbt(rows, y, { trees: 5 }));
    expect(() => fitGbt(rows, y.slice(1))).toThrow(ConfigError);
  });
});

describe('boosted-trees forecaster', () => {
  const options = { inputLength: 10, horizon: 3, trees: 30, minLeaf: 20 };
  const train = spiky(3000, 7);
  const test = spiky(1500, 99);

  it('beats persistence and linear AR out of sample where spikes revert and levels stay', () => {
    const model = fitBoosted({ target: train }, options);
    const boosted = meanMae(model, test);
    const persistence = meanMae(lastValue({ inputLength: 10, horizon: 3 }), test);
    const linear = meanMae(fitLinearAr(train, { inputLength: 10, horizon: 3 }), test);
    expect(boosted).toBeLessThan(0.8 * persistence);
    expect(boosted).toBeLessThan(0.9 * linear);
  });

  it('reads the other measures of the key (a covariate that announces the change)', () => {
    // the covariate announces the target's next change (a switch and the load it turns on)
    const source = prng(3);
    const r = () => source.next();
    const lead = Array.from({ length: 4500 }, () => (r() < 0.2 ? 4 * (r() - 0.5) : 0));
    const target: number[] = [];
    lead.forEach((_, t) => target.push((target[t - 1] ?? 0) + (lead[t - 1] ?? 0)));
    const context = (t: number): ForecastContext => ({
      covariates: { lead: lead.slice(t - 10, t) },
    });
    const uni = fitBoosted({ target: target.slice(0, 3000) }, options);
    const multi = fitBoosted(
      { target: target.slice(0, 3000), covariates: { lead: lead.slice(0, 3000) } },
      options,
    );
    expect(multi.covariates).toEqual(['lead']);
    const heldOut = target.slice(3000);
    const at = (t: number) => context(t + 3000);
    expect(meanMae(multi, heldOut, at)).toBeLessThan(0.75 * meanMae(uni, heldOut));
    // without its covariates a window is forecast by persistence
    expect(multi.predict([heldOut.slice(0, 10)])).toEqual([new Array(3).fill(heldOut[9])]);
  });

  it('restores from its JSON artefact with identical predictions', () => {
    const model = fitBoosted(
      { target: train, covariates: { other: train.map((v) => v * 2) } },
      { ...options, trees: 10 },
    );
    const copy = forecasterFromJson(JSON.parse(JSON.stringify(model.toJSON())));
    const windows = [test.slice(0, 10), test.slice(500, 510)];
    const contexts = windows.map((w) => ({ covariates: { other: w.map((v) => v * 2) } }));
    expect(copy.predict(windows, contexts)).toEqual(model.predict(windows, contexts));
    const broken = { ...model.toJSON(), ensembles: [] };
    expect(() => forecasterFromJson(broken)).toThrow(ConfigError);
  });

  it('refuses data with too few complete windows', () => {
    expect(() => fitBoosted({ target: train.slice(0, 50) }, options)).toThrow(/too short/);
  });
});
