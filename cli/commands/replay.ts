/**
 * @module cli/commands/replay
 * `shardflow replay --from <arrival> --to <arrival> [--readings-from <iso>] [--readings-to
 * <iso>] [--speed 10x|max] [--stream name]`: re-puts the raw archive into a stream through
 * the producer, with the original partition keys, at the original pace scaled by `--speed`.
 * `--from/--to` select by archive **arrival** time (the UTC hour folders and object times
 * Firehose wrote); `--readings-from/--readings-to` further keep only records whose reading
 * time (`ts`) is in range. Per-key order is kept (one put call in flight). The target stream
 * is checked first (one line if missing); listing shows progress and stops on Ctrl-C /
 * SIGTERM; corrupt objects and lines are reported and counted, failed puts summed by reason.
 */
import type { Command } from 'commander';
import { Shardflow } from '../../pipelines/index.js';
import { ShardflowError, loadConfig, resourcesFor } from '../../core/index.js';
import { parseSpeed, replayArchive, type ReplaySummary } from '../../producers/index.js';
import { progressLine } from '../progress-line.js';
import { requireStream } from './preflight.js';

/** Options of `shardflow replay`. */
export interface ReplayCommandOptions {
  readonly from: string;
  readonly to: string;
  readonly readingsFrom?: string;
  readonly readingsTo?: string;
  readonly speed: string;
  readonly stream?: string;
  readonly prefix?: string;
}

const isoDate = (name: string, text: string): Date => {
  const t = Date.parse(text);
  if (Number.isNaN(t))
    throw new ShardflowError('BAD_FLAG', `--${name} must be an ISO time, got ${text}`);
  return new Date(t);
};
const mib = (n: number) => `${(n / 1_048_576).toFixed(1)} MiB`;

/** Registers `replay`. */
export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('re-put the raw archive that arrived in a time range into a stream')
    .requiredOption(
      '--from <iso>',
      'archive arrival time, inclusive (when Firehose wrote the objects), e.g. 2026-11-23T08:00:00Z',
    )
    .requiredOption('--to <iso>', 'archive arrival time, exclusive')
    .option('--readings-from <iso>', 'keep only readings taken at or after this time')
    .option('--readings-to <iso>', 'keep only readings taken before this time')
    .option('--speed <factor>', 'pace: 10x, 0.5x or max', '10x')
    .option('--stream <name>', 'target stream (default: the configured stream)')
    .option('--prefix <prefix>', 'archive prefix (default: the raw delivery stream prefix)')
    .action(async (options: ReplayCommandOptions) => {
      const summary = await replay(options);
      if (summary.failedPuts > 0 || summary.stopped) process.exitCode = 1;
    });
}

/** Runs a replay from the command line's options; returns its summary. */
export async function replay(options: ReplayCommandOptions): Promise<ReplaySummary> {
  const config = loadConfig(process.env, options.stream ? { streamName: options.stream } : {});
  const from = isoDate('from', options.from);
  const to = isoDate('to', options.to);
  if (!(from.getTime() < to.getTime()))
    throw new ShardflowError('BAD_FLAG', '--from must be before --to');
  const readingsFrom = options.readingsFrom
    ? isoDate('readings-from', options.readingsFrom)
    : undefined;
  const readingsTo = options.readingsTo ? isoDate('readings-to', options.readingsTo) : undefined;
  const speed = parseSpeed(options.speed);
  const raw = resourcesFor(config).deliveryStreams.find((d) => d.role === 'raw');
  const prefix = options.prefix ?? raw?.prefix ?? 'raw/';
  const flow = new Shardflow(config);
  const clients = flow.aws;
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const progress = progressLine(process.stdout);
  const listing = progressLine(process.stdout, { minIntervalMs: 1_000 });
  try {
    await requireStream(clients.kinesis, config);
    // One call in flight keeps each key's records in archive order (event-time windows
    // downstream depend on it); only a retried entry of a partially failed call can land later.
    const producer = flow.producer({
      maxInFlightCalls: 1,
    });
    const summary = await replayArchive({
      s3: clients.s3,
      bucket: config.bucketName,
      prefix,
      from,
      to,
      ...(readingsFrom ? { readingsFrom } : {}),
      ...(readingsTo ? { readingsTo } : {}),
      speed,
      put: (r) => producer.put({ partitionKey: r.partitionKey, data: r.data }),
      signal: abort.signal,
      onListing: (p) => {
        listing.update(
          `replay: listing s3://${config.bucketName}/${prefix} · ${p.pages} pages · ${p.keys} objects` +
            (p.lastKey ? ` · at ${p.lastKey}` : ''),
        );
      },
      onProgress: (p) =>
        progress.update(
          `replay: objects ${p.objectsDone}/${p.objectsTotal} · records ${p.records} · ` +
            `${mib(p.bytesDone)}/${mib(p.bytesTotal)}` +
            (p.etaSeconds === undefined ? '' : ` · ETA ${Math.ceil(p.etaSeconds)} s`),
        ),
      onProblem: (p) =>
        process.stderr.write(
          `replay: ${p.kind} ${p.key}${p.offset === undefined ? '' : ` @${p.offset}`}: ${p.reason}\n`,
        ),
    });
    await producer.close();
    progress.done();
    report(summary, { stream: config.streamName, bucket: config.bucketName, prefix, from, to });
    return summary;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    flow.close();
  }
}

function report(
  s: ReplaySummary,
  where: { stream: string; bucket: string; prefix: string; from: Date; to: Date },
): void {
  const out = (text: string) => process.stdout.write(`${text}\n`);
  if (s.stopped) out('replay: stopped by a signal');
  if (s.objectsTotal === 0 && s.unrecognizedKeys === 0 && !s.stopped)
    out(
      `replay: no archive objects arrived between ${where.from.toISOString()} and ` +
        `${where.to.toISOString()} under s3://${where.bucket}/${where.prefix} ` +
        '(--from/--to are arrival times; --readings-from/--readings-to filter by reading time)',
    );
  out(
    `replay: done — ${s.records} records from ${s.objectsDone} objects into ${where.stream} ` +
      `in ${s.seconds.toFixed(1)} s; corrupt objects ${s.corruptObjects}, corrupt records ` +
      `${s.corruptRecords}, unrecognized keys ${s.unrecognizedKeys}, outside the reading range ` +
      `${s.outsideReadingRange}, failed puts ${s.failedPuts}`,
  );
  for (const [reason, n] of Object.entries(s.failedPutReasons))
    out(`replay: ${n} puts failed: ${reason}`);
}
