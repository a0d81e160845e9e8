/**
 * @module cli/commands/export
 * `shardflow export (--from <iso> --to <iso> | --days N) [--format csv|parquet] [--out dir]`:
 * the raw archive and the results lake of a reading-time range as typed, wide files, one per
 * table and `dt=YYYY-MM-DD` day, under `export/<from>.<to>/` (and `latest/<N>-days/` with
 * `--days`) in the lake bucket or a local folder. Shows progress; Ctrl-C / SIGTERM stops
 * before anything is written.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { createAwsClients } from '../../adapters/index.js';
import { loadConfig, resourcesFor } from '../../core/index.js';
import {
  dirTarget,
  exportLake,
  exportRange,
  s3Target,
  type ExportFormat,
  type ExportSummary,
} from '../../lake/index.js';
import { progressBar, progressLine } from '../progress-line.js';
import { positive } from './flags.js';

/** Options of `shardflow export`. */
export interface ExportCommandOptions {
  readonly from?: string;
  readonly to?: string;
  readonly days?: number;
  readonly format: ExportFormat;
  readonly out?: string;
}

const format = (value: string): ExportFormat => {
  if (value !== 'csv' && value !== 'parquet')
    throw new InvalidArgumentError('must be csv or parquet');
  return value;
};

/** Registers `export`. */
export function registerExport(program: Command): void {
  program
    .command('export')
    .description('export readings and scores of a reading-time range as CSV or Parquet by day')
    .option('--from <iso>', 'first reading time, inclusive, e.g. 2026-11-01')
    .option('--to <iso>', 'last reading time, exclusive, e.g. 2026-11-08')
    .option('--days <n>', 'the last N days up to the end of today (UTC) instead', positive(true))
    .option('--format <format>', 'csv or parquet', format, 'parquet' as ExportFormat)
    .option('--out <dir>', 'write to a local folder instead of the lake bucket')
    .action(async (options: ExportCommandOptions) => {
      const summary = await runExport(options);
      if (summary.aborted) process.exitCode = 1;
    });
}

/** Runs an export from the command line's options; returns its summary. */
export async function runExport(options: ExportCommandOptions): Promise<ExportSummary> {
  const config = loadConfig(process.env, {});
  const range = exportRange(
    {
      ...(options.from ? { from: options.from } : {}),
      ...(options.to ? { to: options.to } : {}),
      ...(options.days ? { days: options.days } : {}),
    },
    Date.now(),
  );
  const streams = resourcesFor(config).deliveryStreams;
  const prefixOf = (role: string, fallback: string) =>
    streams.find((d) => d.role === role)?.prefix ?? fallback;
  const clients = createAwsClients(config);
  const target = options.out ? dirTarget(options.out) : s3Target(clients.s3, config.bucketName);
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const line = progressLine(process.stderr, { minIntervalMs: 250 });
  try {
    const summary = await exportLake({
      s3: clients.s3,
      bucket: config.bucketName,
      prefixes: { raw: prefixOf('raw', 'raw/'), results: prefixOf('results', 'results/') },
      range,
      format: options.format,
      target,
      signal: abort.signal,
      onProgress: (p) =>
        line.update(
          `export: ${p.phase.padEnd(7)} ${progressBar(p.done, p.total)} ${p.done}/${p.total} · ${p.rows} rows`,
          p.done >= p.total,
        ),
    });
    line.done();
    const r = summary.rows;
    process.stdout.write(
      `export: ${summary.aborted ? 'stopped, nothing written' : `${summary.files.length} files to ${target.location}`} · ` +
        `rows devices ${r.devices}, households ${r.households}, scores ${r.scores} · ` +
        `${summary.duplicates} duplicates dropped · ${summary.unusable} unusable lines\n`,
    );
    return summary;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    clients.destroy();
  }
}
