/**
 * @module cli/commands/replay
 * `shardflow replay --from <iso> --to <iso> [--speed 10x|max] [--stream name]`: re-puts the
 * raw archive of a time range (Firehose key layout in the lake bucket) into a stream through
 * the producer, with the original partition keys, at the original pace scaled by `--speed`.
 * Per-key order is kept (one put call in flight), so replayed results match the originals.
 * Shows a progress line (objects, records, bytes, ETA); corrupt objects and lines are
 * reported and counted, never skipped silently. Ctrl-C stops reading and drains the producer.
 */
import type { Command } from 'commander';
import { createAwsClients } from '../../adapters/index.js';
import { ShardflowError, loadConfig, resourcesFor } from '../../core/index.js';
import {
  KinesisProducer,
  parseSpeed,
  replayArchive,
  sdkWriter,
  type ReplaySummary,
} from '../../producers/index.js';

/** Options of `shardflow replay`. */
export interface ReplayCommandOptions {
  readonly from: string;
  readonly to: string;
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
    .description('re-put the S3 raw archive of a time range into a stream')
    .requiredOption('--from <iso>', 'start of the range (inclusive), e.g. 2026-11-23T08:00:00Z')
    .requiredOption('--to <iso>', 'end of the range (exclusive)')
    .option('--speed <factor>', 'pace: 10x, 0.5x or max', '10x')
    .option('--stream <name>', 'target stream (default: the configured stream)')
    .option('--prefix <prefix>', 'archive prefix (default: the raw delivery stream prefix)')
    .action(async (options: ReplayCommandOptions) => {
      const summary = await replay(options);
      if (summary.failedPuts > 0) process.exitCode = 1;
    });
}

/** Runs a replay from the command line's options; returns its summary. */
export async function replay(options: ReplayCommandOptions): Promise<ReplaySummary> {
  const config = loadConfig(process.env, options.stream ? { streamName: options.stream } : {});
  const from = isoDate('from', options.from);
  const to = isoDate('to', options.to);
  const speed = parseSpeed(options.speed);
  const raw = resourcesFor(config).deliveryStreams.find((d) => d.role === 'raw');
  const clients = createAwsClients(config);
  // One call in flight keeps each key's records in archive order (event-time windows downstream
  // depend on it); only a retried entry of a partially failed call can still land later.
  const producer = new KinesisProducer({
    writer: sdkWriter(clients.kinesis, config.streamName),
    maxInFlightCalls: 1,
  });
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const line = (text: string) =>
    process.stdout.isTTY
      ? process.stdout.write(`\r\x1b[2K${text}`)
      : process.stdout.write(`${text}\n`);
  try {
    const summary = await replayArchive({
      s3: clients.s3,
      bucket: config.bucketName,
      prefix: options.prefix ?? raw?.prefix ?? 'raw/',
      from,
      to,
      speed,
      put: (r) => producer.put({ partitionKey: r.partitionKey, data: r.data }),
      signal: abort.signal,
      onProgress: (p) =>
        line(
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
    if (process.stdout.isTTY) process.stdout.write('\n');
    process.stdout.write(
      `replay: done — ${summary.records} records from ${summary.objectsDone} objects into ${config.streamName} ` +
        `in ${summary.seconds.toFixed(1)} s; corrupt objects ${summary.corruptObjects}, corrupt records ` +
        `${summary.corruptRecords}, unrecognized keys ${summary.unrecognizedKeys}, failed puts ${summary.failedPuts}\n`,
    );
    return summary;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    clients.destroy();
  }
}
