/**
 * The households pipeline forecasting on the local cloud's SageMaker-compatible endpoint
 * (the shipped `forecast-household-power` model) in the format its setting names: DeepAR's
 * request (`{"instances":[{"start","target"}]}`, answered `{"predictions":[{"mean"}]}` by
 * the model server) gives the same predictions as ours, every one from the endpoint, in the
 * rows embedded forecasting writes.
 */
import { from, lastValueFrom, toArray } from 'rxjs';
import { sageMakerInvoke } from '../../model-server/index.js';
import { record } from '../../operators/testing/fixtures.js';
import { testClients, testConfig } from '../../test/helpers.js';
import { createPipeline, loadForecaster, type ResultRow } from '../runtime/index.js';
import { KeyedStateBackend } from '../state/index.js';
import { householdSpec, type ForecastFormat } from './index.js';

const fallback = loadForecaster('model-server/models/forecast-household-power/model.json')!;
const records = Array.from({ length: 70 }, (_, m) =>
  record(m, {
    kind: 'household',
    householdId: 'h-1',
    ts: new Date(Date.UTC(2026, 0, 1, 0, m, 5)).toISOString(),
    readings: {
      globalActivePower: 1 + 0.5 * Math.sin(m / 6) + 0.01 * m,
      globalReactivePower: 0.1,
      voltage: 240,
      globalIntensity: 2,
      subMetering1: 0,
      subMetering2: 0,
      subMetering3: 1,
    },
  }),
);

it('forecasts household power on the endpoint in DeepAR format as in ours', async () => {
  const config = testConfig();
  const aws = testClients(config);
  try {
    const endpoint = sageMakerInvoke(aws.sagemakerRuntime, {
      endpointName: `${config.app}-forecast-household-power`,
    });
    const bodies: unknown[] = [];
    const invoke: typeof endpoint = (request, signal) => {
      bodies.push(JSON.parse(request.body));
      return endpoint(request, signal);
    };
    const run = async (format: ForecastFormat): Promise<ResultRow[]> => {
      // the pipeline setting: the households' forecast on the endpoint, in `format`
      const spec = householdSpec({
        monthly: false,
        forecaster: fallback,
        remoteForecast: { invoke, format, maxWaitMs: 5 },
      });
      const items = await lastValueFrom(
        from(records).pipe(createPipeline([spec], { state: new KeyedStateBackend() }), toArray()),
      );
      expect(items.flatMap((i) => i.outputs.scores)).toHaveLength(70);
      return items.flatMap((i) => i.outputs.predictions);
    };
    const deepar = await run('deepar');
    // the requests were DeepAR's: a start and a target of 60 values per instance
    expect(bodies.length).toBeGreaterThan(0);
    const first = bodies[0] as { instances: { start: string; target: number[] }[] };
    expect(first.instances[0]?.target).toHaveLength(60);
    expect(first.instances[0]?.start).toBe('2026-01-01 00:00:00');
    bodies.length = 0;
    const ours = await run('shardflow');
    expect(Array.isArray((bodies[0] as { instances: unknown[] }).instances[0])).toBe(true);
    // windows 60..70 have a full 60-minute input: 11 windows × 3 horizons
    expect(deepar).toHaveLength(11 * 3);
    expect(new Set(deepar.map((p) => p.attributes.source))).toEqual(new Set(['remote']));
    expect(new Set(deepar.map((p) => p.attributes.model))).toEqual(new Set(['endpoint (deepar)']));
    expect(deepar[0]?.key.sk).toMatch(/#globalActivePower~5$/);
    const values = (rows: ResultRow[]) => rows.map((p) => [p.key.sk, p.attributes.value]);
    expect(values(deepar)).toEqual(values(ours));
    // the endpoint serves the same model as the fallback: the same numbers as in process
    const window = records.slice(0, 60).map((r) => {
      const body = JSON.parse(Buffer.from(r.data).toString('utf8')) as {
        readings: { globalActivePower: number };
      };
      return body.readings.globalActivePower;
    });
    expect(Number(deepar[0]?.attributes.value)).toBeCloseTo(fallback.predict([window])[0]![4]!, 6);
  } finally {
    aws.destroy();
  }
});
