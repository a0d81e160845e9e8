/**
 * @module localstack/local-cloud
 * The embedded local cloud: emulators as child processes on free loopback ports,
 * health-checked through the real SDK, with the application's resources bootstrapped.
 * Invariant: after `stop()` (or the owner's death, even by SIGKILL) no emulator process or
 * port remains, nor the temporary folder (`dir-janitor.mjs`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAwsClients, type AwsClients } from '../adapters/index.js';
import {
  ENDPOINT_ENV_VARS,
  loadConfig,
  resourcesFor,
  type Config,
  type ConfigFlags,
  type Endpoints,
} from '../core/index.js';
import { bootstrapResources, type BootstrapReport } from './bootstrap.js';
import { waitHealthy } from './emulator-process.js';
import { MQTT_URL_VARIABLE, startMqttBroker, type RunningMqttBroker } from './mqtt-broker.js';
import {
  DEFAULT_EMULATORS,
  LOCAL_CREDENTIALS,
  type EmulatorDefinition,
  type RunningEmulator,
} from './emulators.js';

const JANITOR = fileURLToPath(new URL('./dir-janitor.mjs', import.meta.url));

/** Options of {@link startLocalCloud}. */
export interface LocalCloudOptions {
  /** Fixed ports per service (default: free ones). A taken port fails with `PORT_IN_USE`. */
  readonly ports?: Partial<Record<keyof Endpoints, number>>;
  /** Emulators to run; default kinesis-local, dynalite, s3rver. */
  readonly emulators?: readonly EmulatorDefinition[];
  /** Create the application's resources (default true). */
  readonly bootstrap?: boolean;
  /** Configuration overrides (resource names, shard count) for bootstrapping. */
  readonly flags?: ConfigFlags;
  /** Folder for logs and data; default a fresh temporary folder removed on stop. */
  readonly workDir?: string;
  /** Region to export; default us-east-1. */
  readonly region?: string;
  /** Health-check deadline per emulator. */
  readonly healthTimeoutMs?: number;
  /** Start the MQTT broker (IoT Core's stand-in), exported as `SHARDFLOW_MQTT_URL`; default true. */
  readonly mqtt?: boolean;
  /** Fixed MQTT port (default a free one). */
  readonly mqttPort?: number;
}

/** A running local cloud. */
export interface LocalCloud {
  /** Endpoint URL per running service. */
  readonly endpoints: Endpoints;
  /** The MQTT broker's URL (`mqtt://127.0.0.1:<port>`), when started. */
  readonly mqttUrl?: string;
  /** Environment variables that point the SDK (and shardflow) at this cloud. */
  readonly env: Readonly<Record<string, string>>;
  /** Configuration for this cloud (process env overlaid with {@link env}). */
  readonly config: Config;
  /** SDK clients for this cloud. */
  readonly clients: AwsClients;
  readonly workDir: string;
  /** Process ids of the guards, for inspection. */
  readonly pids: readonly number[];
  readonly bootstrap?: BootstrapReport;
  /** Stops every emulator; resolves when all processes exited and ports closed. */
  stop(): Promise<void>;
}

/** Shell `export` lines for a cloud's environment. */
export function exportLines(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .map(([k, v]) => `export ${k}=${v}`)
    .join('\n');
}

/**
 * Starts the embedded local cloud and (by default) creates the application's resources.
 *
 * @example
 * const cloud = await startLocalCloud();
 * try { await run(cloud.config); } finally { await cloud.stop(); }
 */
export async function startLocalCloud(options: LocalCloudOptions = {}): Promise<LocalCloud> {
  const ownsWorkDir = options.workDir === undefined;
  const workDir = options.workDir ?? mkdtempSync(join(tmpdir(), 'shardflow-cloud-'));
  mkdirSync(join(workDir, 's3'), { recursive: true });
  // removes the temporary folder if this process dies without stop() (even by SIGKILL)
  const janitor = ownsWorkDir ? startJanitor(workDir) : undefined;
  const running: RunningEmulator[] = [];
  let broker: RunningMqttBroker | undefined;
  const stopAll = async () => {
    // Emulators that write into others (Firehose → S3) stop first, so their final flush lands.
    const writers = running.filter(
      (r) => r.service === 'firehose' || r.service === 'sagemakerRuntime',
    );
    await Promise.allSettled(writers.map((r) => r.process.stop()));
    await Promise.allSettled([
      ...running.filter((r) => !writers.includes(r)).map((r) => r.process.stop()),
      ...(broker ? [broker.process.stop()] : []),
    ]);
    if (ownsWorkDir) rmSync(workDir, { recursive: true, force: true });
    janitor?.stdin?.end();
  };
  try {
    const started = await Promise.all(
      (options.emulators ?? DEFAULT_EMULATORS).map(async (definition) => {
        const emulator = await definition.start({
          workDir,
          port: options.ports?.[definition.service],
        });
        running.push(emulator);
        return emulator;
      }),
    );
    if (options.mqtt !== false) broker = await startMqttBroker({ workDir, port: options.mqttPort });
    const endpoints: Endpoints = Object.fromEntries(started.map((e) => [e.service, e.endpoint]));
    const env: Record<string, string> = {
      AWS_REGION: options.region ?? 'us-east-1',
      ...LOCAL_CREDENTIALS,
    };
    for (const e of started) env[endpointVariable(e.service)] = e.endpoint;
    if (broker) env[MQTT_URL_VARIABLE] = broker.url;
    const config = loadConfig({ ...process.env, ...env }, options.flags);
    const clients = createAwsClients(config, {
      maxAttempts: 1,
      credentials: {
        accessKeyId: LOCAL_CREDENTIALS.AWS_ACCESS_KEY_ID,
        secretAccessKey: LOCAL_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
      },
    });
    const mqttHealthy = broker
      ? waitHealthy('mqtt', broker.healthy, options.healthTimeoutMs, broker.logFile, () =>
          broker!.process.hasExited(),
        )
      : Promise.resolve();
    await Promise.all([
      mqttHealthy,
      ...started.map((e) =>
        waitHealthy(
          e.service,
          () => e.healthy(clients),
          options.healthTimeoutMs,
          e.logFile,
          () => e.process.hasExited(),
        ),
      ),
    ]);
    const report =
      options.bootstrap === false
        ? undefined
        : await bootstrapResources(clients, resourcesFor(config), {
            deliveryStreams: endpoints.firehose !== undefined,
          });
    return {
      endpoints,
      ...(broker ? { mqttUrl: broker.url } : {}),
      env,
      config,
      clients,
      workDir,
      pids: [...started.map((e) => e.process.pid), ...(broker ? [broker.process.pid] : [])],
      ...(report ? { bootstrap: report } : {}),
      async stop() {
        clients.destroy();
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Spawns `dir-janitor.mjs` for `dir`, holding its stdin; detached, so it outlives us. */
function startJanitor(dir: string): ChildProcess {
  const child = spawn(process.execPath, [JANITOR, dir], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  child.unref();
  (child.stdin as (NodeJS.WritableStream & { unref?: () => void }) | null)?.unref?.();
  return child;
}

function endpointVariable(service: keyof Endpoints): string {
  return ENDPOINT_ENV_VARS[service];
}
