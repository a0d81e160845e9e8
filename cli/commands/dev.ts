/**
 * @module cli/commands/dev
 * `shardflow dev` (`npm run dev`) — the whole product on a laptop, as its live demo. It starts
 * the embedded local cloud (unless `AWS_ENDPOINT_URL`/`AWS_ENDPOINT_URL_KINESIS` already points
 * somewhere), creates every resource, uses the shipped models, starts the device simulator and
 * the household replay in accelerated simulated time, runs two `shardflow consume --pipeline
 * both` worker processes and shows a live view (cli/dev/). `--duration` or Ctrl-C /
 * SIGTERM stops it in order: producers drain, the workers catch up, drain and release their
 * leases, the local cloud stops. Exit code 0 only if every record produced was delivered and
 * consumed, every result item was written, and every worker exited cleanly.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { createAwsClients, type AwsClients } from '../../adapters/index.js';
import { loadConfig, resourcesFor, type Config } from '../../core/index.js';
import {
  bootstrapResources,
  withoutRawArchive,
  LOCAL_CREDENTIALS,
  startLocalCloud,
  type LocalCloud,
} from '../../localstack/index.js';
import { createView, type Frame } from '../dev/live-view.js';
import { createObserver, type Observation } from '../dev/observe.js';
import { DEV_WARMUP_MINUTES, startDevSources } from '../dev/sources.js';
import { startDevWorkers } from '../dev/workers.js';
import { startApi } from './api.js';
import { positive } from './flags.js';

/** Options of `shardflow dev`. */
export interface DevOptions {
  /** Seconds to run before stopping by itself; absent = until Ctrl-C. */
  readonly duration?: number;
  /** Device readings put per second. */
  readonly rate: number;
  /** Number of simulated devices. */
  readonly devices: number;
}

/** What `dev` ends with. */
export interface DevSummary {
  readonly seconds: number;
  readonly produced: number;
  readonly failedPuts: number;
  readonly consumed: number;
  readonly itemsDurable: number;
  readonly itemsFailed: number;
  readonly anomalies: number;
  readonly injected: number;
  readonly workersClean: boolean;
  /** Everything produced was consumed and written, nothing failed. */
  readonly ok: boolean;
}

const MODELS = 'model-server/models';
const CATCH_UP_MS = 45_000;

/** Registers `dev`. */
export function registerDev(program: Command): void {
  program
    .command('dev')
    .description('run the whole pipeline on the embedded local cloud, with a live view')
    .option('--duration <seconds>', 'stop by itself after this many seconds', positive())
    .option('--rate <readings/s>', 'device readings put per second', positive(), 100)
    .option('--devices <n>', 'simulated devices', positive(true), 20)
    .action(async (options: DevOptions) => {
      const summary = await dev(options);
      if (!summary.ok) process.exitCode = 1;
    });
}

/** Runs `dev`: local cloud (if needed), resources, producers, workers, live view, summary. */
export async function dev(options: DevOptions): Promise<DevSummary> {
  const external = Boolean(process.env.AWS_ENDPOINT_URL || process.env.AWS_ENDPOINT_URL_KINESIS);
  let config: Config = loadConfig(process.env); // validates the user's settings first
  let cloud: LocalCloud | undefined;
  let aws: AwsClients | undefined;
  let env: NodeJS.ProcessEnv = process.env;
  const abort = new AbortController();
  const onSignal = () => {
    if (!abort.signal.aborted) say('stopping: draining producers and workers …');
    abort.abort();
  };
  // Ctrl-C, a stop, or the terminal closing (SIGHUP) all drain in order
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  try {
    if (external) {
      aws = createAwsClients(config);
      say(`using the endpoints from the environment (stream ${config.streamName})`);
    } else {
      say('starting the embedded local cloud …');
      cloud = await startLocalCloud({ region: config.region, bootstrap: false });
      env = { ...process.env, ...LOCAL_CREDENTIALS, ...cloud.env };
      config = loadConfig(env);
      aws = cloud.clients; // carry the emulators' credentials
      say(
        `local cloud up: ${Object.entries(cloud.endpoints)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')} (folder ${cloud.workDir})`,
      );
    }
    const resources = resourcesFor(config);
    const report = await bootstrapResources(aws, withoutRawArchive(resources), {
      deliveryStreams: true,
    });
    say(
      `resources: ${report.created.length} created, ${report.existing.length} existing ` +
        `(stream ${config.streamName}, ${config.shardCount} shards)`,
    );
    say(
      existsSync(`${MODELS}/forecast-household-power/model.json`)
        ? `models: shipped artefacts from ${MODELS} (retrain with npm run train)`
        : 'models: no shipped artefacts, using the pipelines’ baselines (npm run train)',
    );
    if (abort.signal.aborted) throw new Error('stopped before the pipeline started');
    return await run(options, config, aws, env, abort.signal, cloud !== undefined);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
    if (cloud) await cloud.stop();
    else aws?.destroy();
  }
}

async function run(
  options: DevOptions,
  config: Config,
  aws: AwsClients,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
  ownCloud: boolean,
): Promise<DevSummary> {
  const started = Date.now();
  const tty = process.stdout.isTTY === true;
  const workers = await startDevWorkers({
    env: { ...env, SHARDFLOW_APP: config.app, SHARDFLOW_SHARDS: String(config.shardCount) },
    onLog: (id, line) => (tty ? undefined : say(`${id}: ${line}`)),
    // if dev dies, its own local cloud dies with it: nothing to drain into, stop at once
    ...(ownCloud ? { orphanGraceMs: 1_000 } : {}),
  });
  say(`workers: ${workers.workers.map((w) => `${w.id} (pid ${w.child.pid})`).join(', ')}`);
  const killLeft = () => workers.workers.forEach((w) => w.child.kill('SIGKILL'));
  process.once('exit', killLeft);
  const sources = startDevSources({
    kinesis: aws.kinesis,
    streamName: config.streamName,
    rate: options.rate,
    devices: Math.floor(options.devices),
  });
  // the query API and live dashboard (port 8090, or a free one), workers' health included
  const ownKey = process.env.SHARDFLOW_API_KEY ? undefined : randomBytes(12).toString('hex');
  const apiOptions = {
    config,
    aws,
    apiKey: ownKey ?? String(process.env.SHARDFLOW_API_KEY),
    host: '127.0.0.1',
    workers: () => workers.workers.map((w) => `http://127.0.0.1:${w.port}`),
    recordsIn: () => sources.stats().delivered,
  };
  const api = await startApi({ ...apiOptions, port: 8090 }).catch(() =>
    startApi({ ...apiOptions, port: 0 }),
  );
  say(`dashboard: ${api.url}/${ownKey ? `#key=${ownKey}` : ' (key: $SHARDFLOW_API_KEY)'}`);
  const observer = createObserver({
    aws,
    config,
    workers: workers.workers,
    forecastKeys: () => {
      const first = sources.labels[0]?.deviceId;
      return [first ?? 'h-0001', 'h-0001'].filter((k, i, a) => a.indexOf(k) === i);
    },
    actual: sources.actual,
    labels: () => sources.labels,
  });
  const view = createView();
  let observation: Observation | undefined;
  const frame = (o: Observation): Frame => {
    const s = sources.stats();
    return {
      elapsedMs: Date.now() - started,
      produced: s.delivered,
      failed: s.failed,
      speed: sources.speed,
      injected: sources.labels.length,
      observation: o,
    };
  };
  let looking = false;
  const refresh = async () => {
    if (looking) return;
    looking = true;
    try {
      observation = await observer.look();
      view.show(frame(observation));
    } finally {
      looking = false;
    }
  };
  const ticker = setInterval(() => void refresh(), 1_000);
  let endWait = () => {};
  const waiting = new Promise<void>((resolve) => (endWait = resolve));
  const timer =
    options.duration === undefined
      ? undefined
      : setTimeout(() => {
          say('duration reached: stopping …');
          endWait();
        }, options.duration * 1000);
  if (signal.aborted) endWait();
  signal.addEventListener('abort', () => endWait(), { once: true });
  try {
    await waiting;
    await sources.stop();
    const produced = sources.stats().delivered;
    const deadline = Date.now() + CATCH_UP_MS;
    while (Date.now() < deadline && (observation?.consumed ?? 0) < produced)
      await new Promise((r) => setTimeout(r, 500));
    await new Promise((r) => setTimeout(r, 1_500)); // the last sink batch of what was read
    await refresh();
  } finally {
    clearInterval(ticker);
    if (timer) clearTimeout(timer);
    view.close();
    await api.close();
  }
  const final = observation ?? (await observer.look());
  const workersClean = await workers.stop();
  process.off('exit', killLeft);
  const s = sources.stats();
  const summary: DevSummary = {
    seconds: (Date.now() - started) / 1000,
    produced: s.delivered,
    failedPuts: s.failed,
    consumed: final.consumed,
    itemsDurable: final.itemsDurable,
    itemsFailed: final.itemsFailed,
    anomalies: final.anomalyCount,
    injected: sources.labels.length,
    workersClean,
    ok: false,
  };
  const ok = verdict(summary);
  say(
    `summary: produced ${summary.produced} records (${summary.failedPuts} failed) in ${summary.seconds.toFixed(0)} s, ` +
      `consumed ${summary.consumed}, results durable ${summary.itemsDurable} (${summary.itemsFailed} not durable), ` +
      `anomaly events found ${summary.anomalies} (injected ${summary.injected} after a ${DEV_WARMUP_MINUTES}-min warm-up, of which found ${final.matched}; ` +
      `false events ${final.falseEvents ?? 0}), ` +
      `workers drained and released their leases: ${workersClean ? 'yes' : 'no'} — ${ok ? 'OK' : 'NOT OK'}`,
  );
  return { ...summary, ok };
}

/**
 * Whether a dev run succeeded: something was produced, every put was delivered, the workers
 * read at least as many records as were delivered (at-least-once: a lease hand-off may
 * re-read a few), every result item was written, and every worker exited 0 after draining.
 */
export function verdict(s: Omit<DevSummary, 'ok'>): boolean {
  return (
    s.produced > 0 &&
    s.failedPuts === 0 &&
    s.consumed >= s.produced &&
    s.itemsFailed === 0 &&
    s.workersClean
  );
}

function say(line: string): void {
  process.stdout.write(`[dev] ${line}\n`);
}
