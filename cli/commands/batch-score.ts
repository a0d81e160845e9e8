/**
 * @module cli/commands/batch-score
 * `shardflow batch-score (--from <iso> --to <iso> | --days N)`: scores a range of the lake in
 * batch. Locally (default): exports the range's households as CSV (`shardflow export`), runs
 * the model server's batch transform code over them with the RCF model (progress bar), and
 * writes `scores_batch/dt=…/` beside the export (and, for whole days, Parquet into
 * `lake/scores_batch/dt=…/` beside the stream's scores). `--aws` instead prints the
 * `CreateTransformJob` request for the deployed model (start it with
 * `aws sagemaker create-transform-job --cli-input-json file://job.json`); `--collect`, once the
 * job has finished, puts its output into the lake as `lake/scores_batch/dt=…/` Parquet.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { Command } from 'commander';
import { createAwsClients } from '../../adapters/index.js';
import { ShardflowError, loadConfig, resourcesFor } from '../../core/index.js';
import {
  exportLake,
  exportRange,
  LAKE_PREFIX,
  rangePrefix,
  s3Target,
  wholeDays,
} from '../../lake/index.js';
import { loadModel } from '../../model-server/index.js';
import {
  batchScoreHouseholds,
  collectTransformOutput,
  transformJobRequest,
} from '../../pipelines/index.js';
import { progressBar, progressLine } from '../progress-line.js';
import { positive } from './flags.js';

interface BatchScoreOptions {
  readonly from?: string;
  readonly to?: string;
  readonly days?: number;
  readonly modelDir: string;
  readonly maxPayloadMb: number;
  readonly aws?: boolean;
  readonly modelName?: string;
  readonly collect?: boolean;
}

/** Registers `batch-score`. */
export function registerBatchScore(program: Command): void {
  program
    .command('batch-score')
    .description('score a range of the lake in batch (local batch transform, or the AWS request)')
    .option('--from <iso>', 'first reading time, inclusive')
    .option('--to <iso>', 'last reading time, exclusive')
    .option('--days <n>', 'the last N days instead', positive(true))
    .option('--model-dir <dir>', 'RCF model directory', 'model-server/models/rcf')
    .option('--max-payload-mb <n>', 'largest request in MB (MaxPayloadInMB)', positive(), 6)
    .option('--aws', 'print the CreateTransformJob request instead of scoring locally')
    .option('--model-name <name>', 'the transform job’s SageMaker model (with --aws)')
    .option('--collect', 'put a finished transform job’s output of the range into the lake')
    .action(async (opts: BatchScoreOptions) => {
      const config = loadConfig(process.env, {});
      const range = exportRange(
        {
          ...(opts.from ? { from: opts.from } : {}),
          ...(opts.to ? { to: opts.to } : {}),
          ...(opts.days ? { days: opts.days } : {}),
        },
        Date.now(),
      );
      const base = rangePrefix(range.from, range.to);
      if (opts.aws) {
        if (!opts.modelName)
          throw new ShardflowError('NO_MODEL_NAME', '--aws needs --model-name (the RCF model)');
        const request = transformJobRequest({
          app: config.app,
          modelName: opts.modelName,
          bucket: config.bucketName,
          exportPrefix: base,
          maxPayloadInMB: opts.maxPayloadMb,
        });
        process.stdout.write(`${JSON.stringify(request, null, 2)}\n`);
        return;
      }
      if (opts.collect) {
        const clients = createAwsClients(config);
        try {
          const collected = await collectTransformOutput({
            s3: clients.s3,
            bucket: config.bucketName,
            exportPrefix: base,
            target: s3Target(clients.s3, config.bucketName),
          });
          process.stdout.write(
            `batch-score: ${collected.rows} scores from ${collected.files} output file(s) (${collected.unusable} unusable lines) → ${collected.objects.join(', ') || 'nothing'}\n`,
          );
        } finally {
          clients.destroy();
        }
        return;
      }
      const streams = resourcesFor(config).deliveryStreams;
      const clients = createAwsClients(config);
      try {
        const target = s3Target(clients.s3, config.bucketName);
        const exported = await exportLake({
          s3: clients.s3,
          bucket: config.bucketName,
          prefixes: {
            raw: streams.find((d) => d.role === 'raw')?.prefix ?? 'raw/',
            results: streams.find((d) => d.role === 'results')?.prefix ?? 'results/',
          },
          range,
          format: 'csv',
          target,
          tables: ['households'],
        });
        const files = await Promise.all(
          exported.files.map(async (Key) => {
            const got = await clients.s3.send(
              new GetObjectCommand({ Bucket: config.bucketName, Key }),
            );
            return got.Body!.transformToString();
          }),
        );
        const line = progressLine(process.stderr);
        const summary = await batchScoreHouseholds({
          files,
          model: loadModel(opts.modelDir, 'rcf'),
          target,
          base,
          // whole days also go into the lake beside the stream's scores (Glue table scores_batch)
          ...(wholeDays(range) ? { lakePrefix: LAKE_PREFIX } : {}),
          maxPayloadInMB: opts.maxPayloadMb,
          onProgress: (done, total) =>
            line.update(`batch-score: ${progressBar(done, total)} ${done}/${total} windows`),
        });
        line.done();
        process.stdout.write(
          `batch-score: ${summary.windows} windows in ${summary.requests} requests → ${[...summary.objects, ...summary.lakeObjects].join(', ') || 'nothing (no households in range)'}\n`,
        );
      } finally {
        clients.destroy();
      }
    });
}
