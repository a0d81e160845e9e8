/**
 * The households pipeline forecasting on the local cloud's SageMaker-compatible endpoint in
 * the format its setting names. Our format sends each window with the household's other
 * measures (`{"features", "covariates"}`), so the shipped multivariate model
 * (`forecast-household-power`, boosted trees) answers on the endpoint as in process; DeepAR's
 * request (`{"instances":[{"start","target"}]}`, answered `{"predictions":[{"mean"}]}`) carries
 * none, so a univariate model answers it as ours, and the multivariate one refuses it and the
 * embedded fallback (given the covariates) answers.
 */
import { from, lastValueFrom, toArray } from 'rxjs';
import { sageMakerInvoke } from '../../model-server/index.js';
import { record } from '../../operators/testing/fixtures.js';
import { testClients, testConfig } from '../../test/helpers.js';
import { createPipeline, loadForecaster, type ResultRow } from '../runtime/index.js';
import { KeyedStateBackend } from '../state/index.js';
import { householdSpec, type ForecastFormat } from './index.js';

const readings = (m: number) => {
  const power = 1 + 0.5 * Math.sin(m / 6) + 0.01 * m;
  return {
    globalActivePower: power,
    globalReactivePower: 0.1 + 0.02 * Math.cos(m / 5),
    voltage: 240 + Math.sin(m / 7),
    globalIntensity: power * 4.2,
    subMetering1: 0,
    subMetering2: m % 3,
    subMetering3: m % 20,
  };
};
const records = Array.from({ length: 70 }, (_, m) =>
  record(m, {
    kind: 'household',
    householdId: 'h-1',
    ts: new Date(Date.UTC(2026, 0, 1, 0, m, 5)).toISOString(),
    readings: readings(m),
  }),
);
/** The first forecast's input: minutes 0..59, the target and the other measures. */
const first = Array.from({ length: 60 }, (_, m) => readings(m));
const window = first.map((r) => r.globalActivePower);
const covariates = Object.fromEntries(
  Object.keys(first[0]!)
    .filter((n) => n !== 'globalActivePower')
    .map((n) => [n, first.map((r) => r[n as keyof typeof r])]),
);

async function forecastOn(model: string, format: ForecastFormat) {
  const config = testConfig();
  const aws = testClients(config);
  const fallback = loadForecaster(`model-server/models/${model}/model.json`)!;
  const endpoint = sageMakerInvoke(aws.sagemakerRuntime, {
    endpointName: `${config.app}-${model}`,
  });
  const bodies: { instances: unknown[] }[] = [];
  try {
    const spec = householdSpec({
      monthly: false,
      forecaster: fallback,
      remoteForecast: {
        invoke: (request, signal) => {
          bodies.push(JSON.parse(request.body) as { instances: unknown[] });
          return endpoint(request, signal);
        },
        format,
        maxWaitMs: 5,
      },
    });
    const items = await lastValueFrom(
      from(records).pipe(createPipeline([spec], { state: new KeyedStateBackend() }), toArray()),
    );
    expect(items.flatMap((i) => i.outputs.scores)).toHaveLength(70);
    const rows = items.flatMap((i) => i.outputs.predictions);
    // windows 60..70 have a full 60-minute input: 11 windows × 3 horizons
    expect(rows).toHaveLength(11 * 3);
    expect(rows[0]?.key.sk).toMatch(/#globalActivePower~5$/);
    return { rows, bodies, fallback };
  } finally {
    aws.destroy();
  }
}

const values = (rows: ResultRow[]) => rows.map((p) => [p.key.sk, p.attributes.value]);
const sources = (rows: ResultRow[]) => new Set(rows.map((p) => p.attributes.source));

it('a univariate model answers DeepAR’s request as ours (which carries the covariates too)', async () => {
  const deepar = await forecastOn('forecast', 'deepar');
  const ours = await forecastOn('forecast', 'shardflow');
  const d = deepar.bodies[0]?.instances[0] as { start: string; target: number[] };
  expect(d.target).toHaveLength(60);
  expect(d.start).toBe('2026-01-01 00:00:00');
  expect(d).not.toHaveProperty('covariates');
  const o = ours.bodies[0]?.instances[0] as { features: number[]; covariates: object };
  expect(o.features).toHaveLength(60);
  expect(Object.keys(o.covariates).sort()).toEqual(Object.keys(covariates).sort());
  expect(sources(deepar.rows)).toEqual(new Set(['remote']));
  expect(sources(ours.rows)).toEqual(new Set(['remote']));
  expect(new Set(deepar.rows.map((p) => p.attributes.model))).toEqual(
    new Set(['endpoint (deepar)']),
  );
  expect(values(deepar.rows)).toEqual(values(ours.rows));
  const inProcess = deepar.fallback.predict([window])[0]!;
  expect(Number(deepar.rows[0]?.attributes.value)).toBeCloseTo(inProcess[4]!, 6);
});

it('the multivariate model forecasts on the endpoint with the household’s covariates, as in process', async () => {
  const ours = await forecastOn('forecast-household-power', 'shardflow');
  expect(sources(ours.rows)).toEqual(new Set(['remote']));
  const inProcess = ours.fallback.predict([window], [{ covariates }])[0]!;
  const persistence = window[59]!;
  expect(Math.abs(inProcess[14]! - persistence)).toBeGreaterThan(0.001); // not persistence
  ours.rows.slice(0, 3).forEach((row, i) => {
    expect(Number(row.attributes.value)).toBeCloseTo(inProcess[[4, 9, 14][i]!]!, 9);
  });
  // DeepAR's request has no covariates: the endpoint refuses it, the fallback (with them) answers
  const deepar = await forecastOn('forecast-household-power', 'deepar');
  expect(sources(deepar.rows)).toEqual(new Set(['fallback']));
  expect(values(deepar.rows)).toEqual(values(ours.rows));
});
