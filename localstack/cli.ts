/**
 * @module localstack/cli
 * `npm run local-cloud`: starts the embedded local cloud, prints the variables to export,
 * and runs until interrupted. `npm run local-cloud -- bootstrap` instead creates the
 * resources on whatever the environment points at (LocalStack, or an emulator you run).
 */
import { Command, Option } from 'commander';
import { createAwsClients } from '../adapters/index.js';
import { ShardflowError, loadConfig, resourcesFor } from '../core/index.js';
import { bootstrapResources } from './bootstrap.js';
import { exportLines, startLocalCloud } from './local-cloud.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const port = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new ShardflowError('BAD_PORT', `not a port: ${value}`);
  return n;
};

const program = new Command('local-cloud')
  .description(
    'Run the embedded local cloud (Kinesis, DynamoDB, S3, Firehose, SageMaker Runtime emulators and an MQTT broker) on loopback',
  )
  .option('--no-bootstrap', 'do not create the application resources')
  .option('--json', 'print one JSON line {endpoints, env, pids} instead of export lines')
  .addOption(new Option('--kinesis-port <port>', 'fixed Kinesis port').argParser(port))
  .addOption(new Option('--dynamodb-port <port>', 'fixed DynamoDB port').argParser(port))
  .addOption(new Option('--s3-port <port>', 'fixed S3 port').argParser(port))
  .addOption(new Option('--firehose-port <port>', 'fixed Firehose port').argParser(port))
  .addOption(new Option('--mqtt-port <port>', 'fixed MQTT broker port').argParser(port))
  .option('--no-mqtt', 'do not start the MQTT broker')
  .option('--shards <n>', 'shard count of the application stream')
  .action(
    async (opts: {
      bootstrap: boolean;
      json?: boolean;
      kinesisPort?: number;
      dynamodbPort?: number;
      s3Port?: number;
      firehosePort?: number;
      mqttPort?: number;
      mqtt: boolean;
      shards?: string;
    }) => {
      const cloud = await startLocalCloud({
        bootstrap: opts.bootstrap,
        ports: {
          kinesis: opts.kinesisPort,
          dynamodb: opts.dynamodbPort,
          s3: opts.s3Port,
          firehose: opts.firehosePort,
        },
        flags: opts.shards ? { shardCount: opts.shards } : {},
        mqtt: opts.mqtt,
        ...(opts.mqttPort ? { mqttPort: opts.mqttPort } : {}),
      });
      if (opts.json) {
        process.stdout.write(
          `${JSON.stringify({ endpoints: cloud.endpoints, env: cloud.env, pids: cloud.pids })}\n`,
        );
      } else {
        process.stdout.write(
          `# shardflow local cloud is up; export these in another shell:\n${exportLines(cloud.env)}\n`,
        );
        if (cloud.bootstrap)
          process.stdout.write(`# created: ${cloud.bootstrap.created.join(', ')}\n`);
        process.stdout.write('# Ctrl-C stops it.\n');
      }
      const keepAlive = setInterval(() => undefined, 1 << 30);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      clearInterval(keepAlive);
      await cloud.stop();
    },
  );

program
  .command('bootstrap')
  .description('create the application resources where the environment points (idempotent)')
  .action(async () => {
    const config = loadConfig(process.env);
    const clients = createAwsClients(config);
    try {
      const report = await bootstrapResources(clients, resourcesFor(config), {
        deliveryStreams: config.endpoints.firehose !== undefined,
      });
      process.stdout.write(`${JSON.stringify(report)}\n`);
    } finally {
      clients.destroy();
    }
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`local-cloud: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
