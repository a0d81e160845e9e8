import { forecastInput } from './forecast-input.js';

describe('forecastInput', () => {
  it("takes the measure's window and the last row's other measures as covariates over the same points", () => {
    const rows: Record<string, number>[] = [
      { power: 1, temp: 20 },
      { power: 2, voltage: 230 },
      { power: 3, temp: 22, voltage: 231 },
    ];
    expect(forecastInput(rows, 'power', 180_000)).toEqual({
      window: [1, 2, 3],
      context: {
        time: 180_000,
        // a measure missing at a point is NaN there
        covariates: { temp: [20, Number.NaN, 22], voltage: [Number.NaN, 230, 231] },
      },
    });
  });

  it('names only the measures of the last row', () => {
    const rows: Record<string, number>[] = [{ power: 1, gone: 5 }, { power: 2 }];
    expect(forecastInput(rows, 'power', 0)?.context.covariates).toEqual({});
  });

  it('is undefined when a value of the measure is missing or not finite', () => {
    expect(forecastInput([{ power: 1 }, { temp: 2 }], 'power', 0)).toBeUndefined();
    expect(forecastInput([{ power: 1 }, { power: Number.NaN }], 'power', 0)).toBeUndefined();
    expect(forecastInput([{ power: Infinity }], 'power', 0)).toBeUndefined();
  });
});
