/**
 * @module localstack/mqtt-broker
 * The local cloud's MQTT broker (standing in for AWS IoT Core's): `mqtt-broker-main.ts` as a
 * guarded child process on a free loopback port, like every other emulator. It is not an AWS
 * endpoint, so it is not one of the `Endpoints`: the local cloud exports its URL as
 * `SHARDFLOW_MQTT_URL`. Healthy once an MQTT client completes CONNECT/CONNACK.
 * Invariant: `stop` leaves neither process nor port behind (the guard's).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectAsync } from 'mqtt';
import { startProcess, type EmulatorProcess } from './emulator-process.js';
import { portFor } from './ports.js';

const here = dirname(fileURLToPath(import.meta.url));
const compiled = import.meta.url.endsWith('.js');

/** The environment variable holding the broker's URL (`mqtt://127.0.0.1:<port>`). */
export const MQTT_URL_VARIABLE = 'SHARDFLOW_MQTT_URL';

/** A running local MQTT broker. */
export interface RunningMqttBroker {
  /** `mqtt://127.0.0.1:<port>`. */
  readonly url: string;
  readonly process: EmulatorProcess;
  readonly logFile: string;
  /** Resolves once a client can connect. */
  healthy(): Promise<unknown>;
}

/** Starts the broker under the guard, on `port` or a free one. */
export async function startMqttBroker(context: {
  readonly workDir: string;
  readonly port?: number;
}): Promise<RunningMqttBroker> {
  const chosen = await portFor('mqtt', context.port);
  const logFile = join(context.workDir, 'mqtt.log');
  const js = join(here, 'mqtt-broker-main.js');
  const useJs = compiled && existsSync(js);
  const child = startProcess({
    name: 'mqtt',
    script: useJs ? js : join(here, 'mqtt-broker-main.ts'),
    args: ['--port', String(chosen), '--host', '127.0.0.1'],
    nodeOptions: useJs ? [] : ['--import', 'tsx'],
    cwd: here,
    ports: [chosen],
    logFile,
  });
  const url = `mqtt://127.0.0.1:${chosen}`;
  return {
    url,
    process: child,
    logFile,
    async healthy() {
      const client = await connectAsync(url, { connectTimeout: 1_000, reconnectPeriod: 0 });
      await client.endAsync();
      return true;
    },
  };
}
