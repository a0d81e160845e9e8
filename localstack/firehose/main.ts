/**
 * @module localstack/firehose/main
 * Runs the Firehose emulator as a process (the local cloud starts it as a guarded child):
 * `tsx localstack/firehose/main.ts --port P --s3-endpoint URL [--kinesis-endpoint URL]`.
 * Prints one line `firehose emulator listening on <url>` when ready. On SIGTERM or SIGINT
 * it stops accepting requests, delivers every buffered record to S3, and exits 0 — so
 * nothing it acknowledged is lost on a clean stop; with `--data-dir` its journal also
 * keeps acknowledged records across a crash.
 */
import { Command, Option } from 'commander';
import { createAwsClients } from '../../adapters/index.js';
import { loadConfig } from '../../core/index.js';
import { startFirehoseEmulator } from './server.js';
import { kinesisSourceStarter } from './kinesis-source.js';
import { s3Writer } from './s3-writer.js';
import { Journal } from './journal.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const positive = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`not a non-negative number: ${value}`);
  return n;
};

const program = new Command('firehose-emulator')
  .description('Amazon Data Firehose emulator (extended S3 destination, Kinesis source)')
  .addOption(
    new Option('--port <port>', 'port to listen on (0 = free)').argParser(positive).default(0),
  )
  .requiredOption('--s3-endpoint <url>', 'S3 endpoint objects are written to')
  .option('--kinesis-endpoint <url>', 'Kinesis endpoint for KinesisStreamAsSource streams')
  .option('--data-dir <dir>', 'journal folder: acknowledged records survive a crash')
  .option('--region <region>', 'region in ARNs', process.env.AWS_REGION ?? 'us-east-1')
  .addOption(new Option('--tick-ms <ms>', 'buffer check period').argParser(positive).default(200))
  .addOption(
    new Option('--records-per-second <n>', 'per-stream record quota')
      .argParser(positive)
      .default(5000),
  )
  .action(
    async (opts: {
      port: number;
      s3Endpoint: string;
      kinesisEndpoint?: string;
      dataDir?: string;
      region: string;
      tickMs: number;
      recordsPerSecond: number;
    }) => {
      const config = loadConfig({
        ...process.env,
        AWS_REGION: opts.region,
        AWS_ENDPOINT_URL_S3: opts.s3Endpoint,
        ...(opts.kinesisEndpoint ? { AWS_ENDPOINT_URL_KINESIS: opts.kinesisEndpoint } : {}),
      });
      const clients = createAwsClients(config);
      const emulator = await startFirehoseEmulator({
        port: opts.port,
        region: opts.region,
        tickMs: opts.tickMs,
        recordsPerSecond: opts.recordsPerSecond,
        write: s3Writer(clients.s3),
        ...(opts.dataDir ? { journal: new Journal(opts.dataDir) } : {}),
        ...(opts.kinesisEndpoint
          ? {
              startSource: kinesisSourceStarter(clients.kinesis, { now: () => Date.now() }),
            }
          : {}),
      });
      process.stdout.write(`firehose emulator listening on ${emulator.endpoint}\n`);
      const keepAlive = setInterval(() => undefined, 1 << 30);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      clearInterval(keepAlive);
      await emulator.close();
      clients.destroy();
      process.exit(0);
    },
  );

await program.parseAsync(process.argv);
