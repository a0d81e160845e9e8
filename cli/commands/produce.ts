/**
 * @module cli/commands/produce
 * `shardflow produce devices|households|http` — feeds the stream from one of the sources
 * through the KPL-grade producer, printing a progress line (records/s, failures, retries,
 * buffered, lag) every second. SIGINT/SIGTERM stop the source and drain the producer
 * before exit; the exit code is 1 if any record failed.
 */
import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { Shardflow } from '../../pipelines/index.js';
import { errorLine } from '../error-line.js';
import { positive, speed } from './flags.js';
import { requireStream } from './preflight.js';
import { loadConfig } from '../../core/index.js';
import { readingKey, readingTime, type Reading } from '../../core/index.js';
import {
  DeviceSimulator,
  householdEvents,
  loadHouseholdRows,
  paced,
  startHttpIngest,
  loadApiKey,
  type KinesisProducer as Producer,
} from '../../producers/index.js';

/** Flags every `produce` source takes. */
export interface CommonOptions {
  readonly stream?: string;
  readonly aggregate: boolean;
  readonly ordered?: boolean;
  readonly duration?: number;
}

/** Options of `produce devices`. */
export interface DevicesOptions extends CommonOptions {
  readonly devices: number;
  readonly seed: number;
  readonly speed: number;
  readonly steps?: number;
  readonly start: string;
  readonly labels?: string;
}

/** Options of `produce households`. */
export interface HouseholdsOptions extends CommonOptions {
  readonly file: string;
  readonly households: number;
  readonly offsetRows: number;
  readonly speed: number;
  readonly loops: number;
  readonly now?: boolean;
}

/** Options of `produce http`. */
export interface HttpOptions extends CommonOptions {
  readonly port: number;
  readonly host: string;
  readonly apiKeyFile?: string;
  readonly maxBodyBytes: number;
}

const common = (cmd: Command): Command =>
  cmd
    .option('--stream <name>', 'stream to write (default from SHARDFLOW_STREAM / app)')
    .option('--no-aggregate', 'send one Kinesis record per reading (no KPL aggregation)')
    .option('--ordered', 'strict per-partition-key order: one PutRecord in flight per shard')
    .option('--duration <seconds>', 'stop by itself after this many seconds', positive());

/** Registers `produce` and its three sources. */
export function registerProduce(program: Command): void {
  const produce = program
    .command('produce')
    .description('put readings into the stream from a source, with the KPL-grade producer');
  common(produce.command('devices').description('simulated indoor-air-quality devices'))
    .option('--devices <n>', 'number of devices', positive(true), 20)
    .option('--seed <n>', 'seed of the simulation', positive(true), 1)
    .option('--speed <x>', 'simulated seconds per real second (Infinity = flat out)', speed, 60)
    .option('--steps <n>', 'simulated minutes to produce', positive(true))
    .option('--start <iso>', 'simulated time of the first reading', '2026-11-23T00:00:00.000Z')
    .option('--labels <file>', 'write the ground truth of injected anomalies (JSON lines)')
    .action(async (opts: DevicesOptions) => {
      const labels = opts.labels ? createWriteStream(opts.labels, { flags: 'w' }) : undefined;
      const sim = new DeviceSimulator({
        devices: opts.devices,
        seed: opts.seed,
        start: opts.start,
        ...(opts.steps ? { steps: opts.steps } : {}),
        onLabel: (l) => labels?.write(`${JSON.stringify(l)}\n`),
      });
      await run(opts, (stopped) =>
        paced(sim.readings(), { timeOf: readingTime, speed: opts.speed, stopped }),
      );
      await new Promise((r) => (labels ? labels.end(r) : r(undefined)));
    });
  common(produce.command('households').description('replay of the household power data set'))
    .option('--file <path>', 'data file', 'data/household/household_power_2006-12-21_22.txt')
    .option('--households <n>', 'households made by time offset', positive(true), 3)
    .option('--offset-rows <n>', 'rows between households', positive(true), 360)
    .option('--speed <x>', 'simulated seconds per real second (Infinity = flat out)', speed, 600)
    .option('--loops <n>', 'passes over the data', positive(true), 1)
    .option('--now', 'shift timestamps so the replay starts now')
    .action(async (opts: HouseholdsOptions) => {
      const rows = loadHouseholdRows(opts.file);
      let gaps = 0;
      const events = householdEvents(rows, {
        households: opts.households,
        offsetRows: opts.offsetRows,
        loops: opts.loops,
        ...(opts.now ? { startAt: new Date() } : {}),
      });
      function* readings(): Generator<Reading> {
        for (const e of events) {
          if (e.type === 'reading') yield e.reading;
          else gaps += 1;
        }
      }
      await run(opts, (stopped) =>
        paced(readings(), { timeOf: readingTime, speed: opts.speed, stopped }),
      );
      say(`gaps in the data (reported, not put): ${gaps}`);
    });
  common(produce.command('http').description('ingest readings over HTTP: PUT /sensorsdata'))
    .option('--port <n>', 'port to listen on (8080 is the model server)', positive(true), 8088)
    .option('--host <addr>', 'interface to listen on', '127.0.0.1')
    .option(
      '--api-key-file <path>',
      'file holding the x-api-key (default $SHARDFLOW_API_KEY_FILE, else $SHARDFLOW_API_KEY; never the key on the command line)',
    )
    .option('--max-body-bytes <n>', 'largest request body', positive(true), 262_144)
    .action(async (opts: HttpOptions) => {
      const apiKey = loadApiKey({ file: opts.apiKeyFile, env: process.env });
      await run(opts, undefined, async (producer, stopped) => {
        const ingest = await startHttpIngest({
          producer,
          apiKey,
          port: opts.port,
          host: opts.host,
          maxBodyBytes: opts.maxBodyBytes,
        });
        say(`listening on ${ingest.url}/sensorsdata`);
        while (!stopped()) await new Promise((r) => setTimeout(r, 200));
        await ingest.close();
      });
    });
}

type Source = (stopped: () => boolean) => AsyncIterable<Reading> & { readonly lagMs: number };

/** Runs a source into a producer with progress lines, signals and a final summary. */
async function run(
  opts: CommonOptions,
  source: Source | undefined,
  serve?: (producer: Producer, stopped: () => boolean) => Promise<void>,
): Promise<void> {
  const config = loadConfig(process.env, opts.stream ? { streamName: opts.stream } : {});
  const flow = new Shardflow(config);
  const clients = flow.aws;
  let lastCallError: string | undefined;
  try {
    await requireStream(clients.kinesis, config);
  } catch (error) {
    flow.close();
    throw error;
  }
  const producer = flow.producer({
    aggregate: opts.aggregate,
    ordering: opts.ordered ? 'perPartitionKey' : 'none',
    onEvent: (event) => {
      if (event.type === 'producer.call-failed') lastCallError = errorLine({ code: event.code });
    },
  });
  let stop = false;
  const stopped = () => stop;
  const onSignal = () => {
    if (!stop) say('stopping: draining the producer …');
    stop = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const timer = opts.duration ? setTimeout(onSignal, opts.duration * 1000) : undefined;
  let iterable: ReturnType<Source> | undefined;
  // the last reason a record was not delivered, so the summary can say why
  let lastFailure: string | undefined;
  const noteFailure = (error: unknown) => {
    const code = (error as { lastErrorCode?: unknown }).lastErrorCode;
    const cause = typeof code === 'string' ? errorLine({ code }) : code;
    lastFailure = errorLine(error) + (cause && cause !== code ? ` (${String(cause)})` : '');
  };
  let last = { t: Date.now(), delivered: 0 };
  const progress = setInterval(() => {
    const s = producer.stats();
    const now = Date.now();
    const rate = ((s.delivered - last.delivered) * 1000) / Math.max(1, now - last.t);
    if (s.delivered > last.delivered) lastCallError = undefined;
    last = { t: now, delivered: s.delivered };
    say(
      `${config.streamName}: delivered ${s.delivered} (${rate.toFixed(0)}/s) failed ${s.failed} ` +
        `retries ${s.retries} buffered ${s.buffered} lag ${((iterable?.lagMs ?? 0) / 1000).toFixed(1)}s` +
        (lastCallError ? ` (last call failed: ${lastCallError})` : ''),
    );
  }, 1_000);
  try {
    if (source) {
      iterable = source(stopped);
      for await (const reading of iterable) {
        await producer.writable();
        const key = readingKey(reading);
        producer.put({ partitionKey: key, data: JSON.stringify(reading) }).catch(noteFailure);
      }
    } else if (serve) {
      await serve(producer, stopped);
    }
  } finally {
    await producer.close();
    clearInterval(progress);
    if (timer) clearTimeout(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    flow.close();
  }
  const s = producer.stats();
  say(
    `done: ${s.delivered} delivered, ${s.failed} failed, ${s.retries} retries, ${s.calls} calls` +
      (s.failed > 0 && lastFailure ? ` (last failure: ${lastFailure})` : ''),
  );
  if (s.failed > 0) process.exitCode = 1;
}

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}
