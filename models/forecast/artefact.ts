/**
 * @module models/forecast/artefact
 * Restores any forecaster from its JSON artefact (`kind` selects the model). Invariant:
 * `forecasterFromJson(m.toJSON())` predicts exactly as `m`.
 */
import { ConfigError } from '../../core/index.js';
import { dampedTrend, lastValue, movingAverage, seasonalNaive } from './baselines.js';
import { boostedTrees, type BoostedArtefact } from './boosted.js';
import type { Forecaster } from './forecaster.js';
import { linearAr, type LinearArArtefact } from './linear-ar.js';

/** Builds a forecaster from a JSON artefact (throws ConfigError if it is not one). */
export function forecasterFromJson(json: unknown): Forecaster {
  const a = json as Record<string, unknown> | null;
  if (!a || a.format !== 'shardflow-forecaster')
    throw new ConfigError('model', 'not a shardflow-forecaster artefact');
  const inputLength = a.inputLength as number;
  const horizon = a.horizon as number;
  switch (a.kind) {
    case 'last-value':
      return lastValue({ inputLength, horizon });
    case 'moving-average':
      return movingAverage({ inputLength, horizon, span: a.span as number });
    case 'seasonal-naive':
      return seasonalNaive({ inputLength, horizon, period: a.period as number });
    case 'damped-trend':
      return dampedTrend({
        inputLength,
        horizon,
        span: a.span as number,
        damping: a.damping as number,
      });
    case 'linear-ar':
      return linearAr(a as unknown as LinearArArtefact);
    case 'boosted-trees':
      return boostedTrees(a as unknown as BoostedArtefact);
    default:
      throw new ConfigError('model', `unknown forecaster kind ${String(a.kind)}`);
  }
}
