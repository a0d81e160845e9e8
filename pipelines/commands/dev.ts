/**
 * @module pipelines/commands/dev
 * `shardflow dev` — the whole job on a laptop. It starts the embedded local cloud (unless
 * `AWS_ENDPOINT_URL`/`AWS_ENDPOINT_URL_KINESIS` already points somewhere), then runs the
 * pipeline until `--duration` elapses or Ctrl-C, printing progress and a final summary.
 * Today the pipeline is the walking skeleton: simulated device readings are put into the
 * stream and read back from every shard; later capabilities replace its inside, the
 * entry point and flags stay. Exit code 0 only if every reading put was read back.
 */
import type { Command } from 'commander';
import { createAwsClients, type AwsClients } from '../../adapters/index.js';
import { loadConfig } from '../../core/index.js';
import { startLocalCloud, type LocalCloud } from '../../localstack/index.js';
import { runWalkingSkeleton, type SkeletonSummary } from '../walking-skeleton.js';

/** Options of `shardflow dev`. */
export interface DevOptions {
  /** Seconds to run before stopping by itself; absent = until Ctrl-C. */
  readonly duration?: number;
  /** Readings put per second. */
  readonly rate: number;
  /** Number of simulated devices. */
  readonly devices: number;
}

const positive = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`--${name} must be a positive number, got ${value}`);
  return n;
};

/** Registers `dev`. */
export function registerDev(program: Command): void {
  program
    .command('dev')
    .description('run the pipeline on the embedded local cloud (or where AWS_ENDPOINT_URL points)')
    .option('--duration <seconds>', 'stop by itself after this many seconds', positive('duration'))
    .option('--rate <readings/s>', 'readings put per second', positive('rate'), 100)
    .option('--devices <n>', 'simulated devices', positive('devices'), 20)
    .action(async (options: DevOptions) => {
      const summary = await dev(options);
      if (summary.read < summary.put || summary.invalid > 0) process.exitCode = 1;
    });
}

/** Runs `dev`: local cloud (if needed), pipeline, summary. */
export async function dev(options: DevOptions): Promise<SkeletonSummary> {
  const external = Boolean(process.env.AWS_ENDPOINT_URL || process.env.AWS_ENDPOINT_URL_KINESIS);
  let cloud: LocalCloud | undefined;
  let config = loadConfig(process.env); // validates the user's settings before anything starts
  let clients: AwsClients;
  if (external) {
    clients = createAwsClients(config);
    say(`using the endpoints from the environment (stream ${config.streamName})`);
  } else {
    say('starting the embedded local cloud …');
    cloud = await startLocalCloud({ region: config.region });
    config = cloud.config;
    clients = cloud.clients;
    say(
      `local cloud up: ${Object.entries(cloud.endpoints)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
    );
  }
  const abort = new AbortController();
  const onSignal = () => {
    say('stopping: draining what was put …');
    abort.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const timer =
    options.duration === undefined
      ? undefined
      : setTimeout(() => abort.abort(), options.duration * 1000);
  try {
    const summary = await runWalkingSkeleton({
      clients,
      streamName: config.streamName,
      rate: options.rate,
      devices: Math.floor(options.devices),
      signal: abort.signal,
      onProgress: (line) => progress(line),
    });
    progress.done();
    say(
      `summary: put ${summary.put} readings in ${summary.seconds.toFixed(1)} s, read back ${summary.read} ` +
        `(${summary.invalid} invalid) from ${summary.shards} shards; ` +
        `put→read latency p50 ${summary.latencyP50Ms} ms, p99 ${summary.latencyP99Ms} ms`,
    );
    return summary;
  } finally {
    if (timer) clearTimeout(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (cloud) await cloud.stop();
    else clients.destroy();
  }
}

function say(line: string): void {
  process.stdout.write(`[dev] ${line}\n`);
}

/** One progress line, rewritten in place on a terminal, appended otherwise. */
const progress = Object.assign(
  (line: string) => {
    if (process.stdout.isTTY) process.stdout.write(`\r\x1b[2K[dev] ${line}`);
    else process.stdout.write(`[dev] ${line}\n`);
  },
  {
    done() {
      if (process.stdout.isTTY) process.stdout.write('\n');
    },
  },
);
