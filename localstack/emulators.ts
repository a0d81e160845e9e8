/**
 * @module localstack/emulators
 * How each emulator of the embedded local cloud is started and probed. The facts
 * (flags, ports, quirks) are the measured ones in `shared/design/EMULATORS.md`.
 * Firehose and SageMaker Runtime have slots here that later work fills.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import type { EmulatorDefinition } from './emulator-definition.js';
import { startProcess } from './emulator-process.js';
import { portFor } from './ports.js';
import { firehoseEmulator } from './firehose/definition.js';
import { modelServerEmulator } from './model-server.js';

export type {
  EmulatorContext,
  EmulatorDefinition,
  RunningEmulator,
} from './emulator-definition.js';

const require = createRequire(import.meta.url);
const packageDir = (name: string): string => dirname(require.resolve(`${name}/package.json`));

const url = (port: number) => `http://127.0.0.1:${port}`;

/** Kinesis: kinesis-local (kinesis-mock), plain HTTP/1.1 port; the TLS port is unused. */
export const kinesisLocal: EmulatorDefinition = {
  service: 'kinesis',
  async start({ workDir, port }) {
    const plain = await portFor('kinesis', port);
    const tls = await portFor('kinesis (TLS)');
    const dir = packageDir('kinesis-local');
    const logFile = join(workDir, 'kinesis.log');
    const process = startProcess({
      name: 'kinesis',
      script: join(dir, 'main.js'),
      args: [],
      cwd: dir,
      env: {
        KINESIS_MOCK_CERT_PATH: join(dir, 'server.json'),
        KINESIS_MOCK_PLAIN_PORT: String(plain),
        KINESIS_MOCK_TLS_PORT: String(tls),
        LOG_LEVEL: 'WARN',
        CREATE_STREAM_DURATION: '50ms',
        DELETE_STREAM_DURATION: '50ms',
        MERGE_SHARDS_DURATION: '50ms',
        SPLIT_SHARD_DURATION: '50ms',
        UPDATE_SHARD_COUNT_DURATION: '50ms',
        REGISTER_STREAM_CONSUMER_DURATION: '50ms',
        DEREGISTER_STREAM_CONSUMER_DURATION: '50ms',
        SHARD_LIMIT: '200',
      },
      ports: [plain, tls],
      logFile,
    });
    return {
      service: 'kinesis',
      endpoint: url(plain),
      process,
      logFile,
      healthy: (clients) => clients.kinesis.send(new ListStreamsCommand({})),
    };
  },
};

/** DynamoDB: dynalite, in memory, with instant table state changes. */
export const dynalite: EmulatorDefinition = {
  service: 'dynamodb',
  async start({ workDir, port }) {
    const chosen = await portFor('dynamodb', port);
    const dir = packageDir('dynalite');
    const logFile = join(workDir, 'dynamodb.log');
    const process = startProcess({
      name: 'dynamodb',
      script: join(dir, 'cli.js'),
      args: [
        '--host',
        '127.0.0.1',
        '--port',
        String(chosen),
        '--createTableMs',
        '0',
        '--deleteTableMs',
        '0',
        '--updateTableMs',
        '0',
      ],
      cwd: dir,
      ports: [chosen],
      logFile,
    });
    return {
      service: 'dynamodb',
      endpoint: url(chosen),
      process,
      logFile,
      healthy: (clients) => clients.dynamodb.send(new ListTablesCommand({})),
    };
  },
};

/** S3: s3rver on a data folder; it accepts only the S3RVER/S3RVER key pair. */
export const s3rver: EmulatorDefinition = {
  service: 's3',
  async start({ workDir, port }) {
    const chosen = await portFor('s3', port);
    const dir = packageDir('s3rver');
    const logFile = join(workDir, 's3.log');
    const process = startProcess({
      name: 's3',
      script: join(dir, 'bin', 's3rver.js'),
      args: ['-d', join(workDir, 's3'), '-a', '127.0.0.1', '-p', String(chosen), '--silent'],
      nodeOptions: ['--openssl-legacy-provider'],
      cwd: dir,
      ports: [chosen],
      logFile,
    });
    return {
      service: 's3',
      endpoint: url(chosen),
      process,
      logFile,
      healthy: (clients) => clients.s3.send(new ListBucketsCommand({})),
    };
  },
};

/** The emulators started by default, in start order. Firehose and SageMaker slots follow. */
export const DEFAULT_EMULATORS: readonly EmulatorDefinition[] = [
  kinesisLocal,
  dynalite,
  s3rver,
  firehoseEmulator,
  modelServerEmulator,
];

/** Credentials the local cloud exports: s3rver accepts only this pair; the others accept any. */
export const LOCAL_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'S3RVER',
  AWS_SECRET_ACCESS_KEY: 'S3RVER',
} as const;
