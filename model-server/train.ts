/**
 * @module model-server/train
 * Fits a model on a series and writes `<out>/model.json` for the model server (the
 * `shardflow train forecaster|rcf` command, `npm run train -- …`, calls these). Input is a
 * CSV/JSON file or the newline-delimited JSON objects of the Firehose archive under an S3
 * prefix (read in key order, gzip handled). Forecasters: `linear-ar` (`lambda`, `spans`),
 * `boosted-trees` (`covariates`: the key's other measures, `trees`), `moving-average`,
 * `last-value`, `seasonal-naive`. The output is a folder or `s3://bucket/prefix` (the
 * versioned artefact, then `model.json`, each one PUT). RCF: the series is shingled and streamed
 * through a forest, serialized as is. Bad input — a missing file, a column with no numeric
 * value, an unknown model — is a `ShardflowError` with one line naming it, before any output.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createAwsClients, listObjects, readArchiveObject } from '../adapters/index.js';
import { ConfigError, ShardflowError, loadConfig } from '../core/index.js';
import {
  RandomCutForest,
  fitBoosted,
  fitLinearAr,
  groupByKey,
  lastValue,
  movingAverage,
  parseSeries,
  seasonalNaive,
  serializeForest,
  type Forecaster,
} from '../models/index.js';

/** What every training run reads and writes. */
export interface TrainInput {
  /** A CSV/JSON file, or `s3://bucket/prefix` of archive objects. */
  readonly input: string;
  /** Column (CSV header, JSON key or reading name) holding the values. */
  readonly column: string;
  /** Column or field naming each row's key: rows are grouped by key (no window spans two). */
  readonly key?: string;
  /** Folder or `s3://bucket/prefix` to write `model.json` (and `versions/`) into. */
  readonly out: string;
}

/** The forecaster kinds `train forecaster --model` accepts. */
export const FORECASTER_KINDS = [
  'linear-ar',
  'boosted-trees',
  'moving-average',
  'last-value',
  'seasonal-naive',
] as const;

/** Options of {@link trainForecaster}. */
export interface TrainForecasterOptions extends TrainInput {
  readonly model: string;
  readonly lambda: number;
  readonly spans?: readonly number[];
  readonly period: number;
  /** boosted-trees: other columns of the same key used as features. */
  readonly covariates?: readonly string[];
  /** boosted-trees: trees per step ahead (default 60). */
  readonly trees?: number;
}

/** Options of {@link trainRcf}. */
export interface TrainRcfOptions extends TrainInput {
  readonly shingle: number;
  readonly trees: number;
  readonly sampleSize: number;
  readonly seed: number;
}

/** Reads the text of a local file or of every object under an S3 prefix (key order). */
export async function readTrainingInput(input: string): Promise<string> {
  const s3url = /^s3:\/\/([^/]+)\/?(.*)$/.exec(input);
  if (!s3url) {
    if (!existsSync(input) || !statSync(input).isFile())
      throw new ShardflowError('INPUT_NOT_FOUND', `--input: no such file: ${input}`);
    return readFileSync(input, 'utf8');
  }
  const [, bucket, prefix] = s3url as unknown as [string, string, string];
  const clients = createAwsClients(loadConfig(process.env));
  try {
    const objects = await listObjects(clients.s3, { bucket, prefix });
    if (objects.length === 0)
      throw new ShardflowError('INPUT_NOT_FOUND', `--input: no objects under ${input}`);
    const parts: string[] = [];
    for (const { key } of objects)
      parts.push((await readArchiveObject(clients.s3, bucket, key)).trim());
    return parts.join('\n');
  } finally {
    clients.destroy();
  }
}

/** The series of `column` in the input; refuses one without a single numeric value. */
async function series(o: TrainInput, text?: string): Promise<number[]> {
  const raw = text ?? (await readTrainingInput(o.input));
  const values = parseSeries(o.key ? groupByKey(raw, o.key) : raw, { column: o.column });
  if (!values.some(Number.isFinite))
    throw new ShardflowError(
      'NO_VALUES',
      `--column: no numeric values of ${o.column} in ${o.input} (is the column name right?)`,
    );
  return values;
}

/** Writes `text` to `s3://bucket/prefix/<name>`; resolves with its URL. */
async function put(out: string, name: string, text: string): Promise<string> {
  const [, bucket, prefix] = /^s3:\/\/([^/]+)\/?(.*?)\/?$/.exec(out) as unknown as [
    string,
    string,
    string,
  ];
  const key = prefix ? `${prefix}/${name}` : name;
  const clients = createAwsClients(loadConfig(process.env));
  try {
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: text,
        ContentType: 'application/json',
      }),
    );
  } finally {
    clients.destroy();
  }
  return `s3://${bucket}/${key}`;
}

/**
 * Writes a model version: `versions/<time>.json` (the history, for rollback), then
 * `model.json` replaced atomically by rename, so a model server or worker reading it
 * concurrently sees the old or the new model, never half of one.
 */
async function write(out: string, json: unknown, now: Date = new Date()): Promise<string> {
  const text = `${JSON.stringify(json)}\n`;
  const version = `versions/${now.toISOString().replaceAll(':', '-')}.json`;
  if (out.startsWith('s3://')) {
    // each PUT replaces its object whole: a reader sees the old or the new model
    await put(out, version, text);
    return put(out, 'model.json', text);
  }
  mkdirSync(join(out, 'versions'), { recursive: true });
  writeFileSync(join(out, version), text);
  const file = join(out, 'model.json');
  const tmp = join(out, `.model.json.${process.pid}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, file);
  return file;
}

/** Fits a forecaster and writes it; resolves with the file written. */
export async function trainForecaster(o: TrainForecasterOptions): Promise<string> {
  if (!(FORECASTER_KINDS as readonly string[]).includes(o.model))
    throw new ConfigError(
      '--model',
      `unknown forecaster ${o.model} (${FORECASTER_KINDS.join(', ')})`,
    );
  const text = await readTrainingInput(o.input);
  const values = await series(o, text);
  let model: Forecaster;
  if (o.model === 'boosted-trees') {
    const covariates: Record<string, number[]> = {};
    for (const column of o.covariates ?? [])
      covariates[column] = await series({ ...o, column }, text);
    model = fitBoosted(
      { target: values, covariates },
      o.trees === undefined ? {} : { trees: o.trees },
    );
  } else if (o.model === 'linear-ar')
    model = fitLinearAr(values, { lambda: o.lambda, ...(o.spans ? { spans: [...o.spans] } : {}) });
  else if (o.model === 'moving-average') model = movingAverage();
  else if (o.model === 'last-value') model = lastValue();
  else model = seasonalNaive({ period: o.period });
  return write(o.out, model.toJSON());
}

/** Fits a Random Cut Forest on shingles of the series and writes it; resolves with the file. */
export async function trainRcf(o: TrainRcfOptions): Promise<string> {
  const values = (await series(o)).filter(Number.isFinite);
  const forest = new RandomCutForest({
    dimensions: o.shingle,
    numberOfTrees: o.trees,
    sampleSize: o.sampleSize,
    seed: o.seed,
  });
  for (let i = o.shingle; i <= values.length; i += 1)
    forest.updatePoint(values.slice(i - o.shingle, i));
  return write(o.out, serializeForest(forest));
}
