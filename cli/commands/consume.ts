/**
 * @module cli/commands/consume
 * `shardflow consume`: the long-lived consumer worker for a container. Configuration comes
 * from the environment (core/config `ENV_VARS`: stream, lease table, worker id, HTTP port,
 * drain deadline, failover time) and flags. Each user record is written as one JSON line
 * to `--out` (stdout by default) and acknowledged once written, so this command is also a
 * checkpointed "tail" of a stream. SIGTERM drains, checkpoints, releases leases, exits 0.
 */
import { appendFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createAwsClients, createLogger } from '../../adapters/index.js';
import { ConfigError, loadConfig, type ConfigFlags } from '../../core/index.js';
import {
  LeaseRefresher,
  logCoordinatorEvent,
  verifyLeaseTable,
  type InitialPosition,
  type ShardBatch,
} from '../../consumers/index.js';
import { Shardflow } from '../../pipelines/index.js';
import { errorLine } from '../error-line.js';
import { consumePipeline } from './consume-pipeline.js';
import { untilDrained } from './drain.js';
import { positive } from './flags.js';
import { requireStream } from './preflight.js';

interface ConsumeFlags {
  stream?: string;
  leaseTable?: string;
  workerId?: string;
  httpPort?: string;
  failoverMs?: string;
  out: string;
  retrieval: string;
  consumerName?: string;
  initialPosition: string;
  timestamp?: string;
  maxLeases?: number;
  pipeline?: string;
  models?: string;
  remoteRcf?: boolean;
  mapping?: string;
  forecastFormat?: string;
}

function initialPosition(flags: ConsumeFlags): InitialPosition {
  switch (flags.initialPosition) {
    case 'TRIM_HORIZON':
    case 'LATEST':
      return { type: flags.initialPosition };
    case 'AT_TIMESTAMP': {
      const timestamp = new Date(flags.timestamp ?? '');
      if (Number.isNaN(timestamp.getTime()))
        throw new ConfigError('--timestamp', 'must be an ISO date with AT_TIMESTAMP');
      return { type: 'AT_TIMESTAMP', timestamp };
    }
    default:
      throw new ConfigError('--initial-position', 'must be TRIM_HORIZON, LATEST or AT_TIMESTAMP');
  }
}

/** Registers `consume`. */
export function registerConsume(program: Command): void {
  program
    .command('consume')
    .description(
      'run a KCL-compatible consumer worker (/healthz, /metrics; SIGTERM drains and releases)',
    )
    .option('--stream <name>', 'stream name (SHARDFLOW_STREAM)')
    .option('--lease-table <name>', 'lease table (SHARDFLOW_LEASE_TABLE)')
    .option('--worker-id <id>', 'worker id (SHARDFLOW_WORKER_ID)')
    .option('--http-port <port>', 'health/metrics port (SHARDFLOW_HTTP_PORT)')
    .option('--failover-ms <ms>', 'lease failover time (SHARDFLOW_FAILOVER_MS)')
    .option('--out <path>', 'where to write records as JSON lines (- = stdout)', '-')
    .option('--retrieval <type>', 'polling | fanout', 'polling')
    .option('--consumer-name <name>', 'enhanced fan-out consumer name (default <app>-consumer)')
    .option('--initial-position <pos>', 'TRIM_HORIZON | LATEST | AT_TIMESTAMP', 'TRIM_HORIZON')
    .option('--timestamp <iso>', 'start time for AT_TIMESTAMP')
    .option('--max-leases <n>', 'maxLeasesForWorker', positive(true))
    .option(
      '--pipeline <name>',
      'run a pipeline instead of writing records: devices | households | both | machines (or a,b)',
    )
    .option(
      '--mapping <file>',
      'MTConnect mapping file for --pipeline machines',
      'data/mtconnect/mapping.json',
    )
    .option(
      '--forecast-format <format>',
      'with --pipeline: forecast households on SHARDFLOW_FORECAST_ENDPOINT in this format: shardflow | deepar',
    )
    .option(
      '--models <dir|s3url>',
      'models for --pipeline (reloaded when retrained)',
      'model-server/models',
    )
    .option('--remote-rcf', 'with --pipeline: score households on SHARDFLOW_RCF_ENDPOINT')
    .action(async (flags: ConsumeFlags) => {
      const configFlags: ConfigFlags = {
        ...(flags.stream ? { streamName: flags.stream } : {}),
        ...(flags.leaseTable ? { leaseTableName: flags.leaseTable } : {}),
        ...(flags.workerId ? { workerId: flags.workerId } : {}),
        ...(flags.httpPort ? { httpPort: flags.httpPort } : {}),
        ...(flags.failoverMs ? { failoverTimeMs: flags.failoverMs } : {}),
      };
      const config = loadConfig(process.env, configFlags);
      if (flags.retrieval !== 'polling' && flags.retrieval !== 'fanout') {
        throw new ConfigError('--retrieval', 'must be polling or fanout');
      }
      const names = ['devices', 'households', 'both', 'machines'];
      if (flags.pipeline && !flags.pipeline.split(',').every((n) => names.includes(n))) {
        throw new ConfigError('--pipeline', 'must be devices, households, both or machines');
      }
      if (flags.forecastFormat && !['shardflow', 'deepar'].includes(flags.forecastFormat)) {
        throw new ConfigError('--forecast-format', 'must be shardflow or deepar');
      }
      const position = initialPosition(flags);
      // fail fast with one line on a missing stream or an unreachable endpoint, and on a
      // lease table that cannot serve this stream (another stream's, KCL multi-stream, …)
      const probe = createAwsClients(config);
      try {
        await requireStream(probe.kinesis, config);
        const leases = new LeaseRefresher({
          dynamodb: probe.dynamodb,
          tableName: config.leaseTableName,
        });
        await verifyLeaseTable(probe.kinesis, leases, config.streamName, position);
      } finally {
        probe.destroy();
      }
      if (flags.pipeline) {
        const retrieval =
          flags.retrieval === 'fanout'
            ? {
                type: 'fanout' as const,
                consumerName: flags.consumerName ?? `${config.app}-consumer`,
              }
            : { type: 'polling' as const };
        const consume = {
          failoverTimeMs: config.failoverTimeMs,
          initialPosition: position,
          retrieval,
          ...(flags.maxLeases ? { maxLeasesForWorker: flags.maxLeases } : {}),
        };
        const models = flags.models ?? 'model-server/models';
        return consumePipeline({
          config,
          pipeline: flags.pipeline,
          models,
          consume,
          remoteRcf: flags.remoteRcf === true,
          ...(flags.pipeline.split(',').includes('machines')
            ? { mapping: flags.mapping ?? 'data/mtconnect/mapping.json' }
            : {}),
          ...(flags.forecastFormat
            ? { forecastFormat: flags.forecastFormat as 'shardflow' | 'deepar' }
            : {}),
        });
      }
      const logger = createLogger(config.logLevel, 'consume');
      const flow = new Shardflow(config); // stream, leases, worker id, port and drain from the config
      const write =
        flags.out === '-'
          ? (text: string) => void process.stdout.write(text)
          : (text: string) => appendFileSync(flags.out, text);
      const handler = async (batch: ShardBatch) => {
        const lines = batch.records.map((r) =>
          JSON.stringify({
            shardId: r.position.shardId,
            sequenceNumber: r.position.sequenceNumber,
            subSequenceNumber: r.position.subSequenceNumber,
            partitionKey: r.partitionKey,
            data: Buffer.from(r.data).toString('utf8'),
          }),
        );
        write(lines.join('\n') + '\n');
      };
      const worker = await flow.worker(handler, {
        initialPosition: position,
        retrieval:
          flags.retrieval === 'fanout'
            ? { type: 'fanout', consumerName: flags.consumerName ?? `${config.app}-consumer` }
            : { type: 'polling' },
        ...(flags.maxLeases ? { maxLeasesForWorker: flags.maxLeases } : {}),
        onEvent: (event) => {
          if (event.type === 'shard.stalled') logger.warn(event, 'shard stalled');
          else if (event.type === 'shard.error' || event.type === 'sync.failed')
            // one short line: what failed and why, not the serialized error object
            logger.error(
              {
                ...(event.type === 'shard.error' ? { shardId: event.shardId } : {}),
                error: errorLine(event.error),
              },
              event.type,
            );
          else if (event.type === 'coordinator') {
            logCoordinatorEvent(logger, event.event);
          } else if (event.type === 'shard.state') logger.debug(event, 'shard state');
        },
      });
      logger.info(
        { workerId: config.workerId, port: worker.port, stream: config.streamName },
        'consumer started',
      );
      process.once('SIGTERM', () => logger.info('SIGTERM: draining'));
      await untilDrained(worker, flow, config.drainDeadlineSeconds);
      logger.info('consumer stopped; leases released');
    });
}
