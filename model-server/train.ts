/**
 * @module model-server/train
 * `npm run train -- <forecaster|rcf> --input <file | s3://bucket/prefix> --column <name>
 * --out <model dir>`: fits a model on a series and writes `<out>/model.json` for the
 * model server. Input is a CSV/JSON file or the newline-delimited JSON objects of the
 * Firehose archive under an S3 prefix (read in key order, gzip handled). Forecasters:
 * `--model linear-ar` (default; `--lambda`, `--spans 2,5,15,60`), `moving-average`,
 * `last-value`, `seasonal-naive`. RCF: the series is shingled (`--shingle`, default 8)
 * and streamed through a forest (`--trees`, `--sample-size`), serialized as is.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { Command } from 'commander';
import { createAwsClients } from '../adapters/index.js';
import { ConfigError, loadConfig } from '../core/index.js';
import {
  RandomCutForest,
  fitLinearAr,
  lastValue,
  movingAverage,
  parseSeries,
  seasonalNaive,
  serializeForest,
  type Forecaster,
} from '../models/index.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Reads the text of a local file or of every object under an S3 prefix (key order). */
async function readInput(input: string): Promise<string> {
  const s3url = /^s3:\/\/([^/]+)\/?(.*)$/.exec(input);
  if (!s3url) return readFileSync(input, 'utf8');
  const [, bucket, prefix] = s3url as unknown as [string, string, string];
  const clients = createAwsClients(loadConfig(process.env));
  try {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await clients.s3.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = page.NextContinuationToken;
    } while (token);
    const parts: string[] = [];
    for (const key of keys.sort()) {
      const out = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const bytes = Buffer.from(
        await (out.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray(),
      );
      const gz =
        out.ContentEncoding === 'gzip' ||
        key.endsWith('.gz') ||
        (bytes[0] === 0x1f && bytes[1] === 0x8b);
      parts.push((gz ? gunzipSync(bytes) : bytes).toString('utf8').trim());
    }
    return parts.join('\n');
  } finally {
    clients.destroy();
  }
}

function write(out: string, json: unknown): void {
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'model.json'), `${JSON.stringify(json)}\n`);
  process.stdout.write(`wrote ${join(out, 'model.json')}\n`);
}

const program = new Command('train').description('fit a model for the shardflow model server');

program
  .command('forecaster')
  .requiredOption('--input <file|s3url>', 'CSV/JSON file or s3://bucket/prefix of the archive')
  .requiredOption('--column <name>', 'column or reading to forecast')
  .requiredOption('--out <dir>', 'model folder to write model.json into')
  .option('--model <kind>', 'linear-ar | moving-average | last-value | seasonal-naive', 'linear-ar')
  .option('--lambda <x>', 'ridge penalty of linear-ar', '0.001')
  .option('--spans <list>', 'span means instead of lags for linear-ar, e.g. 2,5,15,60')
  .option('--period <n>', 'seasonal-naive period (≤ 60)', '60')
  .action(
    async (o: {
      input: string;
      column: string;
      out: string;
      model: string;
      lambda: string;
      spans?: string;
      period: string;
    }) => {
      const series = parseSeries(await readInput(o.input), { column: o.column });
      let model: Forecaster;
      if (o.model === 'linear-ar') {
        const spans = o.spans?.split(',').map(Number);
        model = fitLinearAr(series, { lambda: Number(o.lambda), ...(spans ? { spans } : {}) });
      } else if (o.model === 'moving-average') model = movingAverage();
      else if (o.model === 'last-value') model = lastValue();
      else if (o.model === 'seasonal-naive') model = seasonalNaive({ period: Number(o.period) });
      else throw new ConfigError('model', `unknown forecaster ${o.model}`);
      write(o.out, model.toJSON());
    },
  );

program
  .command('rcf')
  .requiredOption('--input <file|s3url>', 'CSV/JSON file or s3://bucket/prefix of the archive')
  .requiredOption('--column <name>', 'column or reading to model')
  .requiredOption('--out <dir>', 'model folder to write model.json into')
  .option('--shingle <n>', 'consecutive values per point (the endpoint then takes n values)', '8')
  .option('--trees <n>', 'trees', '50')
  .option('--sample-size <n>', 'points per tree', '256')
  .option('--seed <n>', 'seed', '1')
  .action(
    async (o: {
      input: string;
      column: string;
      out: string;
      shingle: string;
      trees: string;
      sampleSize: string;
      seed: string;
    }) => {
      const series = parseSeries(await readInput(o.input), { column: o.column }).filter(
        Number.isFinite,
      );
      const shingle = Number(o.shingle);
      const forest = new RandomCutForest({
        dimensions: shingle,
        numberOfTrees: Number(o.trees),
        sampleSize: Number(o.sampleSize),
        seed: Number(o.seed),
      });
      for (let i = shingle; i <= series.length; i += 1)
        forest.updatePoint(series.slice(i - shingle, i));
      write(o.out, serializeForest(forest));
    },
  );

await program.parseAsync(process.argv);
