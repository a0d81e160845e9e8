/**
 * Covariates on the local cloud's model server (the shipped models, through InvokeEndpoint):
 * the multivariate household model (`forecast-household-power`, boosted trees on the
 * household's other measures) answers a window sent with its covariates exactly as it does
 * in process — not persistence — and refuses the same window without them (ModelError, the
 * missing covariates named) instead of silently answering by persistence.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { createAwsClients } from '../adapters/index.js';
import { HOUSEHOLD_MEASURES, loadConfig } from '../core/index.js';
import { forecasterFromJson } from '../models/index.js';

const clients = createAwsClients(loadConfig(process.env), { maxAttempts: 1 });
afterAll(() => clients.destroy());

const model = forecasterFromJson(
  JSON.parse(readFileSync('model-server/models/forecast-household-power/model.json', 'utf8')),
);
const NAMES: readonly string[] = HOUSEHOLD_MEASURES;
// one hour of the held-out range of the public household data (every measure)
const rows = gunzipSync(
  readFileSync('data/household/hpc_minute_2006-12-16_to_27_all_measures.txt.gz'),
)
  .toString('utf8')
  .split('\n')
  .slice(12_001, 12_061)
  .map((line) => line.split(';').slice(2).map(Number));
const series = (name: string) => rows.map((r) => r[NAMES.indexOf(name)] as number);
const window = series('globalActivePower');
const covariates = Object.fromEntries(NAMES.slice(1).map((n) => [n, series(n)]));

const invoke = (body: unknown) =>
  clients.sagemakerRuntime.send(
    new InvokeEndpointCommand({
      EndpointName: 'app-forecast-household-power',
      ContentType: 'application/json',
      Body: new TextEncoder().encode(JSON.stringify(body)),
    }),
  );
const answer = (out: { Body?: Uint8Array }) =>
  JSON.parse(new TextDecoder().decode(out.Body)) as { predictions: unknown[] };

describe('forecaster covariates on the model server', () => {
  it('the same window with covariates gets the boosted model’s in-process forecast', async () => {
    expect(rows.every((r) => r.length === 7 && r.every(Number.isFinite))).toBe(true);
    const expected = model.predict([window], [{ covariates }])[0] as number[];
    const last = window[59] as number;
    // the trees move away from the last value at the longer horizons on this hour
    expect(expected.some((v) => Math.abs(v - last) > 0.01)).toBe(true);
    const ours = answer(await invoke({ instances: [{ features: window, covariates }] }));
    expect(ours.predictions).toHaveLength(1);
    (ours.predictions[0] as number[]).forEach((v, h) => expect(v).toBeCloseTo(expected[h]!, 9));
    // DeepAR's instance with the same named covariates, aligned with a longer target
    const pad = [1, 2, 3];
    const deepar = answer(
      await invoke({
        instances: [
          {
            start: '2006-12-24 09:00:00',
            target: [...pad, ...window],
            covariates: Object.fromEntries(
              Object.entries(covariates).map(([n, v]) => [n, [...pad, ...v]]),
            ),
          },
        ],
        configuration: { output_types: ['mean'] },
      }),
    );
    const mean = (deepar.predictions[0] as { mean: number[] }).mean;
    mean.forEach((v, h) => expect(v).toBeCloseTo(expected[h]!, 9));
  });

  it('without covariates (or with some missing) it is a ModelError naming them, not persistence', async () => {
    const { voltage: _, ...partial } = covariates;
    for (const instance of [window, { features: window, covariates: partial }]) {
      const error = await invoke({ instances: [instance] }).then(
        () => undefined,
        (e: unknown) => e as { name: string; OriginalStatusCode?: number; message: string },
      );
      expect(error?.name).toBe('ModelError');
      expect(error?.OriginalStatusCode).toBe(400);
      expect(error?.message).toMatch(/reads covariates globalReactivePower, voltage, .*; missing/);
      expect(error?.message).toMatch(
        instance === window ? /missing globalReactivePower/ : /missing voltage/,
      );
    }
  });
});
