/**
 * @module localstack/firehose/definition
 * The Firehose emulator's slot in the embedded local cloud: a guarded child process
 * (`main.ts`, run through tsx, or `main.js` when compiled) on a free port. It needs the S3
 * and Kinesis endpoints of the same cloud, which exist only once every emulator has
 * started; so `start` reserves the port and `healthy` — which the local cloud calls with
 * clients for the whole cloud — spawns the process with those endpoints and credentials,
 * then probes it with ListDeliveryStreams. Invariant: at most one process per start, and
 * `stop` leaves neither process nor port behind.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ListDeliveryStreamsCommand } from '@aws-sdk/client-firehose';
import type { AwsClients } from '../../adapters/index.js';
import { startProcess, type EmulatorProcess } from '../emulator-process.js';
import type { EmulatorDefinition, RunningEmulator } from '../emulator-definition.js';
import { portFor } from '../ports.js';

const here = dirname(fileURLToPath(import.meta.url));
const compiled = import.meta.url.endsWith('.js');

interface EndpointLike {
  readonly protocol: string;
  readonly hostname: string;
  readonly port?: number;
}

async function endpointOf(client: { config: { endpoint?: () => Promise<EndpointLike> } }) {
  const e = await client.config.endpoint?.();
  return e ? `${e.protocol}//${e.hostname}${e.port ? `:${e.port}` : ''}` : undefined;
}

/** The local cloud's Firehose emulator (service `firehose`). */
export const firehoseEmulator: EmulatorDefinition = {
  service: 'firehose',
  async start({ workDir, port }): Promise<RunningEmulator> {
    const chosen = await portFor('firehose', port);
    const logFile = join(workDir, 'firehose.log');
    let child: EmulatorProcess | undefined;
    const spawnWith = async (clients: AwsClients): Promise<EmulatorProcess> => {
      const s3 = await endpointOf(clients.s3);
      const kinesis = await endpointOf(clients.kinesis);
      if (!s3) throw new Error('the Firehose emulator needs an S3 endpoint');
      const credentials = await clients.s3.config.credentials();
      return startProcess({
        name: 'firehose',
        script: join(here, compiled ? 'main.js' : 'main.ts'),
        args: [
          '--port',
          String(chosen),
          '--s3-endpoint',
          s3,
          ...(kinesis ? ['--kinesis-endpoint', kinesis] : []),
          '--region',
          await clients.s3.config.region(),
          '--data-dir',
          join(workDir, 'firehose'),
        ],
        nodeOptions: compiled ? [] : ['--import', 'tsx'],
        cwd: join(here, '..', '..'),
        env: {
          AWS_ACCESS_KEY_ID: credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        },
        ports: [chosen],
        logFile,
      });
    };
    const process: EmulatorProcess = {
      name: 'firehose',
      get pid() {
        return child?.pid ?? 0;
      },
      hasExited: () => child?.hasExited() ?? false,
      async stop() {
        await child?.stop();
      },
    };
    return {
      service: 'firehose',
      endpoint: `http://127.0.0.1:${chosen}`,
      process,
      logFile,
      async healthy(clients) {
        child ??= await spawnWith(clients);
        return clients.firehose.send(new ListDeliveryStreamsCommand({}));
      },
    };
  },
};
