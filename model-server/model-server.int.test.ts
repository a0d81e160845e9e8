/**
 * The model server through the real SageMaker Runtime SDK client (endpoint override
 * only): RCF JSON and CSV, forecasters, TargetModel, 4xx for bad payloads, > 6 MB
 * refused; the container contract on /ping and /invocations; and the local cloud's
 * model server slot serving the shipped models.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InvokeEndpointCommand,
  type SageMakerRuntimeClient,
} from '@aws-sdk/client-sagemaker-runtime';
import { createAwsClients, type AwsClients } from '../adapters/index.js';
import { loadConfig } from '../core/index.js';
import { RandomCutForest, fitLinearAr, serializeForest } from '../models/index.js';
import { createModelServer, type ModelServer } from './index.js';

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
const ramp = Array.from({ length: 60 }, (_, i) => Math.sin(i / 6));

describe('model server through InvokeEndpoint', () => {
  let dir: string;
  let server: ModelServer;
  let clients: AwsClients;
  let runtime: SageMakerRuntimeClient;
  const forest = new RandomCutForest({ dimensions: 2, seed: 3 });
  const series = Array.from({ length: 1500 }, (_, i) => Math.sin(i / 6) + (i % 5) / 50);
  const ar = fitLinearAr(series, { lambda: 1e-3 });

  beforeAll(async () => {
    for (let i = 0; i < 600; i += 1) forest.updatePoint([Math.sin(i), Math.cos(i)]);
    dir = mkdtempSync(join(tmpdir(), 'sf-models-'));
    for (const [name, json] of [
      ['rcf', serializeForest(forest)],
      ['forecast', ar.toJSON()],
    ] as const) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, 'model.json'), JSON.stringify(json));
    }
    server = await createModelServer({ modelDir: dir, port: 0, host: '127.0.0.1' });
    const config = loadConfig({ ...process.env, AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: server.url });
    clients = createAwsClients(config, { maxAttempts: 1 });
    runtime = clients.sagemakerRuntime;
  });

  afterAll(async () => {
    clients.destroy();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const invoke = (
    EndpointName: string,
    body: string,
    ContentType = 'application/json',
    TargetModel?: string,
  ) =>
    runtime.send(
      new InvokeEndpointCommand({
        EndpointName,
        Body: new TextEncoder().encode(body),
        ContentType,
        Accept: 'application/json',
        ...(TargetModel ? { TargetModel } : {}),
      }),
    );

  it('scores RCF JSON instances exactly as the forest does', async () => {
    const points = [
      [0.1, 0.99],
      [8, -8],
    ];
    const out = await invoke(
      'myapp-rcf',
      JSON.stringify({ instances: points.map((features) => ({ features })) }),
    );
    const { scores } = JSON.parse(text(out.Body)) as { scores: { score: number }[] };
    expect(scores.map((s) => s.score)).toEqual(points.map((p) => forest.scorePoint(p)));
    expect(scores[1]?.score).toBeGreaterThan(3 * (scores[0]?.score ?? 0));
    expect(out.ContentType).toBe('application/json');
  });

  it('scores RCF text/csv rows', async () => {
    const out = await invoke('myapp-rcf', '0.1,0.99\n8,-8\n', 'text/csv');
    const { scores } = JSON.parse(text(out.Body)) as { scores: { score: number }[] };
    expect(scores).toEqual([
      { score: forest.scorePoint([0.1, 0.99]) },
      { score: forest.scorePoint([8, -8]) },
    ]);
  });

  it('forecasts {"instances":[[60]]} → {"predictions":[[15]]}, also selected by TargetModel', async () => {
    const body = JSON.stringify({ instances: [ramp, ramp.map((v) => v + 1)] });
    const byName = JSON.parse(text((await invoke('myapp-forecast', body)).Body)) as {
      predictions: number[][];
    };
    expect(byName.predictions).toEqual(ar.predict([ramp, ramp.map((v) => v + 1)]));
    expect(byName.predictions[0]).toHaveLength(15);
    const byTarget = await invoke('any-endpoint', body, 'application/json', 'forecast.tar.gz');
    expect(JSON.parse(text(byTarget.Body))).toEqual(byName);
  });

  it('answers a bad payload with a 4xx carrying the reason', async () => {
    const cases: [string, string, string, RegExp][] = [
      ['myapp-rcf', '{"instances":[{"features":[1]}]}', 'application/json', /expected 2 values/],
      ['myapp-rcf', '{"instances":', 'application/json', /not valid JSON/],
      ['myapp-rcf', '1,x\n', 'text/csv', /not a number/],
      ['myapp-forecast', '{"instances":[[1,2,3]]}', 'application/json', /expected 60 values/],
      ['myapp-rcf', 'abc', 'application/x-protobuf', /unsupported content type/],
    ];
    for (const [endpoint, body, type, reason] of cases) {
      const error = await invoke(endpoint, body, type).then(
        () => undefined,
        (e: unknown) =>
          e as {
            name: string;
            message: string;
            OriginalStatusCode?: number;
            $metadata: { httpStatusCode?: number };
          },
      );
      expect(error?.name).toBe('ModelError');
      expect(error?.$metadata.httpStatusCode).toBe(424);
      expect(error?.OriginalStatusCode).toBeGreaterThanOrEqual(400);
      expect(error?.OriginalStatusCode).toBeLessThan(500);
      expect(error?.message).toMatch(reason);
    }
    const unknown = await invoke('nothing-here', '{}').catch(
      (e: { name: string; $metadata: { httpStatusCode?: number } }) => e,
    );
    expect(unknown).toMatchObject({ name: 'ValidationError', $metadata: { httpStatusCode: 400 } });
  });

  it('refuses a payload over 6 MB', async () => {
    const row = '0.5,0.5\n';
    const big = row.repeat(Math.ceil((6 * 1024 * 1024 + 10) / row.length));
    const error = await invoke('myapp-rcf', big, 'text/csv').catch(
      (e: { name: string; $metadata: { httpStatusCode?: number } }) => e,
    );
    expect(error).toMatchObject({ name: 'ValidationError', $metadata: { httpStatusCode: 413 } });
  });

  it('keeps the container contract: GET /ping and POST /invocations with plain 4xx reasons', async () => {
    expect((await fetch(`${server.url}/ping`)).status).toBe(200);
    const ok = await fetch(`${server.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', 'x-amzn-sagemaker-target-model': 'rcf' },
      body: '0.1,0.99',
    });
    expect(ok.status).toBe(200);
    const bad = await fetch(`${server.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-amzn-sagemaker-target-model': 'rcf' },
      body: '{"instances":[{"features":["a","b"]}]}',
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/not a finite number/);
  });
});

describe('the local cloud model server', () => {
  it('serves the shipped RCF and forecaster models to InvokeEndpoint', async () => {
    const config = loadConfig(process.env, { app: 'shipped' });
    expect(config.endpoints.sagemakerRuntime).toBeDefined();
    const clients = createAwsClients(config, { maxAttempts: 1 });
    try {
      const forecast = await clients.sagemakerRuntime.send(
        new InvokeEndpointCommand({
          EndpointName: config.forecastEndpointName,
          ContentType: 'application/json',
          Body: new TextEncoder().encode(JSON.stringify({ instances: [new Array(60).fill(1.5)] })),
        }),
      );
      const { predictions } = JSON.parse(text(forecast.Body)) as { predictions: number[][] };
      expect(predictions[0]).toHaveLength(15);
      const rcf = await clients.sagemakerRuntime.send(
        new InvokeEndpointCommand({
          EndpointName: config.rcfEndpointName,
          ContentType: 'text/csv',
          Body: new TextEncoder().encode('1.5,1.5,1.5,1.5,1.5,1.5,1.5,1.5\n9,0,9,0,9,0,9,0\n'),
        }),
      );
      const { scores } = JSON.parse(text(rcf.Body)) as { scores: { score: number }[] };
      expect(scores[1]?.score).toBeGreaterThan(2 * (scores[0]?.score ?? Infinity));
    } finally {
      clients.destroy();
    }
  });
});
