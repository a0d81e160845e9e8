/**
 * @module cli/commands/train
 * `shardflow train forecaster|rcf --input <file | s3://bucket/prefix> --column <name> --out
 * <dir | s3://bucket/prefix>` (`npm run train -- …`): fits a model for the model server
 * (model-server/train).
 * Numeric flags are checked before anything runs; errors go through the CLI's one path.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { FORECASTER_KINDS, trainForecaster, trainRcf } from '../../model-server/index.js';
import { nonNegative, positive } from './flags.js';

const spans = (value: string): number[] => {
  const list = value.split(',').map(Number);
  if (list.some((n) => !Number.isInteger(n) || n < 1))
    throw new InvalidArgumentError('must be positive integers separated by commas, e.g. 2,5,15');
  return list;
};
const names = (value: string): string[] => {
  const list = value.split(',').map((n) => n.trim());
  if (list.some((n) => n === ''))
    throw new InvalidArgumentError('must be names separated by commas');
  return list;
};
const integer = (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n))
    throw new InvalidArgumentError('must be an integer');
  return n;
};

const input = (cmd: Command): Command =>
  cmd
    .requiredOption('--input <file|s3url>', 'CSV/JSON file or s3://bucket/prefix of the archive')
    .requiredOption('--column <name>', 'column or reading to learn')
    .option('--key <name>', 'column or field of the key (e.g. household): no window spans two keys')
    .requiredOption(
      '--out <dir|s3url>',
      'model folder or s3://bucket/prefix to write model.json into',
    );

/** Registers `train` and its two models. */
export function registerTrain(program: Command): void {
  const train = program
    .command('train')
    .description('fit a model for the shardflow model server and write its model.json');
  input(train.command('forecaster').description('fit a forecaster of the next values'))
    .option('--model <kind>', FORECASTER_KINDS.join(' | '), 'linear-ar')
    .option('--lambda <x>', 'ridge penalty of linear-ar', nonNegative, 0.001)
    .option('--spans <list>', 'span means instead of lags for linear-ar, e.g. 2,5,15,60', spans)
    .option('--period <n>', 'seasonal-naive period (≤ 60)', positive(true), 60)
    .option(
      '--covariates <list>',
      'boosted-trees: other columns of the key, e.g. voltage,subMetering3',
      names,
    )
    .option('--trees <n>', 'boosted-trees: trees per step ahead', positive(true))
    .action(
      async (o: {
        input: string;
        column: string;
        key?: string;
        out: string;
        model: string;
        lambda: number;
        spans?: number[];
        period: number;
        covariates?: string[];
        trees?: number;
      }) => say(await trainForecaster(o)),
    );
  input(train.command('rcf').description('fit a Random Cut Forest on shingles of the series'))
    .option(
      '--shingle <n>',
      'consecutive values per point (the endpoint then takes n)',
      positive(true),
      8,
    )
    .option('--trees <n>', 'trees', positive(true), 50)
    .option('--sample-size <n>', 'points per tree', positive(true), 256)
    .option('--seed <n>', 'seed', integer, 1)
    .action(
      async (o: {
        input: string;
        column: string;
        out: string;
        shingle: number;
        trees: number;
        sampleSize: number;
        seed: number;
      }) => say(await trainRcf(o)),
    );
}

function say(file: string): void {
  process.stdout.write(`wrote ${file}\n`);
}
