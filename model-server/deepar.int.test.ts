/**
 * The DeepAR request format end to end on the local cloud's model server: `forecast` with
 * `remoteFormat: 'deepar'` sends `{"instances":[{"start","target"}],"configuration":{…}}`
 * through `invokeEndpoint` and reads `{"predictions":[{"mean":[…]}]}` — the same forecasts as
 * our own format — so a DeepAR endpoint can replace ours.
 */
import { from, lastValueFrom, toArray } from 'rxjs';
import { createAwsClients } from '../adapters/index.js';
import { PositionSet, loadConfig, type Traced } from '../core/index.js';
import { forecast, type Forecast } from '../operators/index.js';
import { sageMakerInvoke } from './index.js';

const base = process.env.AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME!;
const clients = createAwsClients(loadConfig(process.env), { maxAttempts: 1 });
afterAll(() => clients.destroy());

const window = Array.from({ length: 60 }, (_, i) => 400 + 5 * Math.sin(i / 4) + i / 2);

async function run(remoteFormat: 'shardflow' | 'deepar') {
  const out = await lastValueFrom(
    from([{ value: window, positions: PositionSet.single('shard-1', 0) }]).pipe(
      forecast<number[]>({
        window: (w) => w,
        measure: () => 'co2',
        remoteFormat,
        windowStart: () => Date.parse('2026-11-23T05:00:00Z'),
        remote: {
          invoke: sageMakerInvoke(clients.sagemakerRuntime, { endpointName: 'app-forecast' }),
        },
      }),
      toArray(),
    ),
  );
  return (out[0] as Traced<Forecast<number[]>>).value;
}

describe('DeepAR request format', () => {
  it('forecasts through invokeEndpoint in the DeepAR format, as in ours', async () => {
    const deepar = await run('deepar');
    const ours = await run('shardflow');
    expect(deepar.source).toBe('remote');
    expect(Object.keys(deepar.predictions).length).toBeGreaterThan(0);
    expect(deepar.predictions).toEqual(ours.predictions);
  });

  it('answers a DeepAR body with a mean per series, from the last values of a longer target', async () => {
    const post = (body: unknown) =>
      fetch(`${base}/invocations`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-amzn-sagemaker-target-model': 'forecast',
        },
        body: JSON.stringify(body),
      });
    const res = await post({
      instances: [{ start: '2026-11-23 05:00:00', target: [...new Array(40).fill(0), ...window] }],
      configuration: { output_types: ['mean'] },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { predictions: { mean: number[] }[] };
    expect(body.predictions).toHaveLength(1);
    expect(Object.values((await run('shardflow')).predictions)).toEqual(body.predictions[0]!.mean);
    const quantiles = await post({
      instances: [{ start: '2026-11-23 05:00:00', target: window }],
      configuration: { output_types: ['mean', 'quantiles'], quantiles: ['0.1', '0.9'] },
    });
    expect(quantiles.status).toBe(400);
    expect(((await quantiles.json()) as { error: string }).error).toContain('point forecasts');
  });
});
