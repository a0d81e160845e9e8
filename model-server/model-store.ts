/**
 * @module model-server/model-store
 * Loads models from a SageMaker model directory (`/opt/ml/model`): either one model
 * (`model.json` at the top) or several (`<name>/model.json`, selected by the
 * `TargetModel` header or the endpoint name). A `model.json` is a serialized forest
 * (`shardflow-rcf`), a forecaster artefact (`shardflow-forecaster`), or an RCF spec
 * (`shardflow-rcf-spec`: forest options plus a CSV of training rows next to it, trained
 * at load). Invariant: models are loaded once and never change while served (scoring
 * does not update a forest, as with SageMaker's built-in RCF).
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../core/index.js';
import {
  RandomCutForest,
  forecasterFromJson,
  restoreForest,
  type RandomCutForestOptions,
  type SerializedForest,
} from '../models/index.js';
import { PayloadError, parseCsvRows, type Model } from './payloads.js';

/** The name of the single top-level model. */
export const DEFAULT_MODEL = '';

/** An RCF spec: train a forest at load time from `training` (CSV rows of full points). */
export interface RcfSpec {
  readonly format: 'shardflow-rcf-spec';
  readonly options: RandomCutForestOptions;
  /** CSV file (relative to the model folder) of training points. */
  readonly training: string;
}

/** Builds a model from the `model.json` in `dir`. */
export function loadModel(dir: string, name: string): Model {
  const file = join(dir, 'model.json');
  let json: { format?: unknown };
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as { format?: unknown };
  } catch (error) {
    throw new ConfigError('model', `cannot read ${file}: ${(error as Error).message}`);
  }
  if (json.format === 'shardflow-rcf')
    return { kind: 'rcf', name, forest: restoreForest(json as SerializedForest) };
  if (json.format === 'shardflow-rcf-spec') {
    const spec = json as unknown as RcfSpec;
    const forest = new RandomCutForest({ ...spec.options, shingleSize: 1 });
    const rows = parseCsvRows(readFileSync(join(dir, spec.training), 'utf8'));
    for (const row of rows) forest.updatePoint(row);
    return { kind: 'rcf', name, forest };
  }
  return { kind: 'forecaster', name, forecaster: forecasterFromJson(json) };
}

/** The models of a model directory, loaded lazily and cached. */
/** What identifies a model file's content cheaply: its inode, size and modification time. */
function modelVersion(dir: string): string {
  try {
    const st = statSync(join(dir, 'model.json'));
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

export class ModelStore {
  private readonly cache = new Map<string, { model: Model; version: string }>();

  constructor(readonly modelDir: string) {}

  /** Names of the models present (`''` for a single top-level model). */
  names(): string[] {
    if (!existsSync(this.modelDir)) return [];
    const out: string[] = [];
    if (existsSync(join(this.modelDir, 'model.json'))) out.push(DEFAULT_MODEL);
    for (const entry of readdirSync(this.modelDir)) {
      const dir = join(this.modelDir, entry);
      if (statSync(dir).isDirectory() && existsSync(join(dir, 'model.json'))) out.push(entry);
    }
    return out;
  }

  /**
   * The model for a request: the `TargetModel` (with any `.tar.gz` suffix dropped) if
   * given; else a model named like the endpoint, or whose name ends the endpoint name
   * after a dash (`myapp-rcf` → `rcf`); else the single top-level model.
   */
  resolve(endpointName: string | undefined, targetModel: string | undefined): Model {
    const names = this.names();
    let chosen: string | undefined;
    if (targetModel !== undefined) {
      const wanted = targetModel.replace(/\.tar\.gz$/, '').replace(/^\/+/, '');
      if (!names.includes(wanted) || wanted === DEFAULT_MODEL || wanted.includes('..'))
        throw new PayloadError(400, `TargetModel ${targetModel} not found in the model directory`);
      chosen = wanted;
    } else if (endpointName !== undefined) {
      chosen =
        names.find((n) => n !== DEFAULT_MODEL && n === endpointName) ??
        names
          .filter((n) => n !== DEFAULT_MODEL && endpointName.endsWith(`-${n}`))
          .sort((a, b) => b.length - a.length)[0];
    }
    if (chosen === undefined) {
      if (!names.includes(DEFAULT_MODEL))
        throw new PayloadError(
          400,
          endpointName === undefined
            ? 'no model: the model directory has no model.json (use TargetModel)'
            : `Endpoint ${endpointName} not found (no matching model)`,
        );
      chosen = DEFAULT_MODEL;
    }
    const dir = chosen === DEFAULT_MODEL ? this.modelDir : join(this.modelDir, chosen);
    // A retrained model replaces model.json (atomically, by rename): reload it when the
    // file changed, so the server picks up new versions without a restart.
    const version = modelVersion(dir);
    const cached = this.cache.get(chosen);
    if (cached && cached.version === version) return cached.model;
    const model = loadModel(dir, chosen);
    this.cache.set(chosen, { model, version });
    return model;
  }
}
