/**
 * The households pipeline scoring on the local cloud's SageMaker-compatible endpoint (the
 * shipped `rcf` model: 8-minute shingles of global active power) through the real SDK
 * client: every window is scored remotely, with the same item shape as embedded scoring,
 * and a planted surge scores far above the normal windows.
 */
import { from, lastValueFrom, toArray } from 'rxjs';
import { sageMakerInvoke } from '../../model-server/index.js';
import { record } from '../../operators/testing/fixtures.js';
import { testClients, testConfig } from '../../test/helpers.js';
import { KeyedStateBackend } from '../state/index.js';
import { createHouseholdPipeline } from './index.js';

it('scores household windows on the SageMaker RCF endpoint', async () => {
  const config = testConfig();
  const aws = testClients(config);
  try {
    const records = Array.from({ length: 30 }, (_, m) =>
      record(m, {
        kind: 'household',
        householdId: 'h-1',
        ts: new Date(Date.UTC(2026, 0, 1, 0, m, 5)).toISOString(),
        readings: {
          globalActivePower: m === 20 ? 11 : 0.4 + 0.02 * (m % 3),
          globalReactivePower: 0.1,
          voltage: 240,
          globalIntensity: 2,
          subMetering1: 0,
          subMetering2: 0,
          subMetering3: 1,
        },
      }),
    );
    const items = await lastValueFrom(
      from(records).pipe(
        createHouseholdPipeline(
          {
            features: ['globalActivePower'],
            shingleSize: 8,
            remote: {
              invoke: sageMakerInvoke(aws.sagemakerRuntime, {
                endpointName: config.rcfEndpointName,
              }),
              fallback: 'dead-letter',
              maxWaitMs: 5,
            },
          },
          { state: new KeyedStateBackend() },
        ),
        toArray(),
      ),
    );
    const scores = items.flatMap((i) => i.outputs.scores);
    expect(scores).toHaveLength(30);
    expect(new Set(scores.map((s) => s.source))).toEqual(new Set(['remote']));
    const surge = scores.find(
      (s) => s.windowStart === new Date(Date.UTC(2026, 0, 1, 0, 20)).toISOString(),
    );
    const normal = scores.filter((s) => Number(String(s.windowStart).slice(14, 16)) < 19);
    expect(Number(surge?.score)).toBeGreaterThan(Math.max(...normal.map((s) => Number(s.score))));
    expect(items.flatMap((i) => i.outputs.deadLetters)).toEqual([]);
  } finally {
    aws.destroy();
  }
});
