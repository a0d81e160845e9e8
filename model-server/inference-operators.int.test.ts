/**
 * The inference operators through the real SDK against a model server that fails on
 * purpose (its `faults` hook): retries on 503/429 recover, a slow answer times out and
 * falls back, and a dead endpoint opens the circuit breaker so requests stop.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { from, lastValueFrom, toArray } from 'rxjs';
import { createAwsClients, type AwsClients } from '../adapters/index.js';
import { loadConfig } from '../core/index.js';
import { PositionSet, type DeadLetter, type Traced } from '../core/index.js';
import { RandomCutForest, lastValue, serializeForest } from '../models/index.js';
import {
  isDeadLetter,
  scoreAnomalies,
  forecast,
  type AnomalyScore,
  type Flow,
  type InferenceEvent,
} from '../operators/index.js';
import {
  createModelServer,
  sageMakerInvoke,
  type InjectedFault,
  type ModelServer,
} from './index.js';

describe('inference operators against a failing model server', () => {
  let dir: string;
  let server: ModelServer;
  let clients: AwsClients;
  let fault: (n: number) => InjectedFault | undefined = () => undefined;
  let served = 0;

  beforeAll(async () => {
    const forest = new RandomCutForest({ dimensions: 2, seed: 1, numberOfTrees: 20 });
    for (let i = 0; i < 400; i += 1) forest.updatePoint([Math.sin(i), Math.cos(i)]);
    dir = mkdtempSync(join(tmpdir(), 'sf-faulty-'));
    mkdirSync(join(dir, 'rcf'));
    writeFileSync(join(dir, 'rcf', 'model.json'), JSON.stringify(serializeForest(forest)));
    mkdirSync(join(dir, 'forecast'));
    writeFileSync(join(dir, 'forecast', 'model.json'), JSON.stringify(lastValue().toJSON()));
    server = await createModelServer({
      modelDir: dir,
      port: 0,
      host: '127.0.0.1',
      faults: (n) => {
        served += 1;
        return fault(n);
      },
    });
    const config = loadConfig({ ...process.env, AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: server.url });
    clients = createAwsClients(config, { maxAttempts: 1 });
  });

  afterAll(async () => {
    clients.destroy();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const points = (n: number): Flow<number[]>[] =>
    Array.from({ length: n }, (_, i) => ({
      value: [Math.sin(i / 3), Math.cos(i / 3)],
      positions: PositionSet.single('shard-1', i),
    }));

  const score = (n: number, remote: Parameters<typeof scoreAnomalies<number[]>>[0]['remote']) =>
    lastValueFrom(
      from(points(n)).pipe(
        scoreAnomalies<number[]>({
          key: () => 'device-1',
          features: (v) => v,
          forest: { dimensions: 2, numberOfTrees: 10, sampleSize: 32, seed: 5 },
          remote,
        }),
        toArray(),
      ),
    );

  it('retries throttling and 5xx through the SDK and then scores remotely', async () => {
    fault = (n) => (n === 0 ? { status: 503 } : n === 1 ? { status: 429 } : undefined);
    const events: InferenceEvent[] = [];
    const out = (await score(6, {
      invoke: sageMakerInvoke(clients.sagemakerRuntime, { endpointName: 'app-rcf' }),
      retry: { retries: 3, initialDelayMs: 5 },
      maxBatchSize: 10,
      onEvent: (e) => events.push(e),
    })) as Traced<AnomalyScore<number[]>>[];
    expect(out.every((o) => o.value.source === 'remote')).toBe(true);
    expect(events.filter((e) => e.type === 'inference.retry')).toHaveLength(2);
    expect(
      PositionSet.unionAll(out.map((o) => o.positions)).equals(PositionSet.range('shard-1', 0, 5)),
    ).toBe(true);
  });

  it('times out a slow endpoint and answers from the embedded forest', async () => {
    fault = () => ({ delayMs: 400 });
    const out = (await score(4, {
      invoke: sageMakerInvoke(clients.sagemakerRuntime, { endpointName: 'app-rcf' }),
      timeoutMs: 100,
      retry: { retries: 1, initialDelayMs: 5 },
    })) as Traced<AnomalyScore<number[]>>[];
    expect(out.map((o) => o.value.source)).toEqual([
      'fallback',
      'fallback',
      'fallback',
      'fallback',
    ]);
  });

  it('opens the breaker on a failing endpoint: requests stop and records are dead-lettered', async () => {
    fault = () => ({ status: 500 });
    const before = served;
    const events: InferenceEvent[] = [];
    const out = (await score(8, {
      invoke: sageMakerInvoke(clients.sagemakerRuntime, { endpointName: 'app-rcf' }),
      maxBatchSize: 1,
      concurrency: 1,
      retry: { retries: 1, initialDelayMs: 5 },
      breaker: { failureThreshold: 2, resetAfterMs: 60_000 },
      fallback: 'dead-letter',
      onEvent: (e) => events.push(e),
    })) as DeadLetter[];
    expect(out).toHaveLength(8);
    expect(out.every(isDeadLetter)).toBe(true);
    expect(served - before).toBe(4); // two batches × (1 try + 1 retry), then the breaker is open
    expect(out.slice(2).every((d) => /circuit breaker open/.test(d.detail))).toBe(true);
    expect(events).toContainEqual({ type: 'inference.breaker', state: 'open' });
  });

  it('forecasts remotely with predictions named measure~minutesAhead', async () => {
    fault = () => undefined;
    const out = (await lastValueFrom(
      from([{ value: new Array(60).fill(3), positions: PositionSet.single('shard-2', 0) }]).pipe(
        forecast<number[]>({
          window: (w) => w,
          measure: () => 'iaq',
          remote: {
            invoke: sageMakerInvoke(clients.sagemakerRuntime, { endpointName: 'app-forecast' }),
          },
        }),
        toArray(),
      ),
    )) as Traced<{ predictions: Record<string, number>; source: string }>[];
    expect(out[0]?.value.source).toBe('remote');
    expect(out[0]?.value.predictions['iaq~15']).toBe(3);
  });
});
