/**
 * @module cli/commands/api
 * `shardflow api`: the query API and live dashboard (`api/`) with the HTTP ingest behind
 * `PUT /sensorsdata`, against whatever the configuration points at — the embedded local
 * cloud, LocalStack or AWS. The API key comes from `--api-key-file`, `SHARDFLOW_API_KEY_FILE`
 * or `SHARDFLOW_API_KEY` (never the command line). `npm run dev` starts the same thing with
 * {@link startApi}. SIGTERM/SIGINT close the server, drain the ingest's producer and exit.
 */
import type { Command } from 'commander';
import {
  createAwsClients,
  createLogger,
  type AwsClients,
  type Logger,
} from '../../adapters/index.js';
import { loadConfig, type Config } from '../../core/index.js';
import { startApiServer } from '../../api/index.js';
import { KinesisProducer, loadApiKey, sdkWriter, startHttpIngest } from '../../producers/index.js';
import { positive } from './flags.js';

/** Options of {@link startApi}. */
export interface StartApiOptions {
  readonly config: Config;
  readonly aws: AwsClients;
  readonly apiKey: string;
  readonly port: number;
  readonly host: string;
  /** Also serve `PUT /sensorsdata` (puts readings on `config.streamName`); default true. */
  readonly ingest?: boolean;
  /** Workers' `/healthz` + `/metrics` base URLs, for the stream health panel. */
  readonly workers?: () => readonly string[];
  /** Records put so far, when the caller knows (dev). */
  readonly recordsIn?: () => number;
  readonly logger?: Logger;
}

/** A running API (and ingest). */
export interface RunningApi {
  /** `http://host:port` of the API and dashboard. */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the ingest (on a loopback port) and the API server in front of it. */
export async function startApi(options: StartApiOptions): Promise<RunningApi> {
  const { config, aws, apiKey, ingest = true } = options;
  const producer = ingest
    ? new KinesisProducer({ writer: sdkWriter(aws.kinesis, config.streamName) })
    : undefined;
  const http = producer ? await startHttpIngest({ producer, apiKey }) : undefined;
  try {
    const server = await startApiServer({
      config,
      aws,
      apiKey,
      port: options.port,
      host: options.host,
      ...(http ? { ingestUrl: http.url } : {}),
      ...(options.workers ? { workers: options.workers } : {}),
      ...(options.recordsIn ? { recordsIn: options.recordsIn } : {}),
      ...(options.logger ? { logger: options.logger } : {}),
    });
    return {
      url: server.url,
      async close() {
        await server.close();
        await http?.close();
        await producer?.close();
      },
    };
  } catch (error) {
    await http?.close();
    await producer?.close();
    throw error;
  }
}

interface ApiFlags {
  port: number;
  host: string;
  apiKeyFile?: string;
  workers?: string;
  ingest: boolean;
  stream?: string;
}

/** Registers `api`. */
export function registerApi(program: Command): void {
  program
    .command('api')
    .description('serve the query API, the live dashboard and PUT /sensorsdata')
    .option('--port <n>', 'port to listen on', positive(true), 8090)
    .option('--host <addr>', 'interface to listen on (0.0.0.0 in a container)', '127.0.0.1')
    .option(
      '--api-key-file <path>',
      'file holding the x-api-key (default $SHARDFLOW_API_KEY_FILE, else $SHARDFLOW_API_KEY; never the key on the command line)',
    )
    .option('--workers <urls>', "comma-separated base URLs of the workers' /healthz and /metrics")
    .option('--no-ingest', 'do not serve PUT /sensorsdata')
    .option('--stream <name>', 'stream the ingest puts to (SHARDFLOW_STREAM)')
    .action(async (flags: ApiFlags) => {
      const config = loadConfig(process.env, flags.stream ? { streamName: flags.stream } : {});
      const apiKey = loadApiKey({ file: flags.apiKeyFile, env: process.env });
      const logger = createLogger(config.logLevel, 'api');
      const aws = createAwsClients(config);
      const workers = (flags.workers ?? '')
        .split(',')
        .map((u) => u.trim().replace(/\/$/, ''))
        .filter(Boolean);
      const api = await startApi({
        config,
        aws,
        apiKey,
        port: flags.port,
        host: flags.host,
        ingest: flags.ingest,
        workers: () => workers,
        logger,
      });
      logger.info({ url: api.url, ingest: flags.ingest }, 'api started');
      process.stdout.write(
        `dashboard: ${api.url}/  (enter the API key, or open ${api.url}/#key=<key>)\n`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGTERM', resolve);
        process.once('SIGINT', resolve);
      });
      await api.close();
      aws.destroy();
      logger.info('api stopped');
    });
}
