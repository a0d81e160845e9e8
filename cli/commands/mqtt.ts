/**
 * @module cli/commands/mqtt
 * `shardflow mqtt bridge` forwards an MQTT topic's readings to the stream (QoS 1 acknowledged
 * only after the put, bad payloads to the dead-letter delivery stream), the local stand-in
 * for the IoT Core topic rule; `shardflow mqtt devices` makes the device simulator publish
 * over MQTT like real devices. The broker is `--url` or `$SHARDFLOW_MQTT_URL` (the local
 * cloud prints it). Both stop on SIGINT/SIGTERM or after `--duration`.
 */
import type { Command } from 'commander';
import { createAwsClients } from '../../adapters/index.js';
import { ShardflowError, loadConfig } from '../../core/index.js';
import {
  DEFAULT_MQTT_TOPIC,
  DeviceSimulator,
  KinesisProducer,
  firehoseMqttDeadLetters,
  publishReadings,
  sdkWriter,
  startMqttBridge,
} from '../../producers/index.js';
import { positive } from './flags.js';
import { requireStream } from './preflight.js';

const brokerUrl = (flag: string | undefined): string => {
  const url = flag ?? process.env.SHARDFLOW_MQTT_URL;
  if (!url)
    throw new ShardflowError('NO_MQTT_URL', 'no broker: pass --url or set SHARDFLOW_MQTT_URL');
  return url;
};

/** Resolves on SIGINT/SIGTERM or after `seconds`. */
function untilStopped(seconds: number | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      clearTimeout(timer);
      resolve();
    };
    const timer = seconds ? setTimeout(done, seconds * 1000) : undefined;
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

/** Registers `mqtt bridge` and `mqtt devices`. */
export function registerMqtt(program: Command): void {
  const mqtt = program
    .command('mqtt')
    .description('devices over MQTT: the topic → stream bridge and MQTT-publishing devices');
  mqtt
    .command('bridge')
    .description('forward an MQTT topic to the stream (partition key = the topic’s device id)')
    .option('--url <url>', 'broker URL (default $SHARDFLOW_MQTT_URL)')
    .option('--topic <filter>', 'topic filter; its last level is the device id', DEFAULT_MQTT_TOPIC)
    .option('--client-id <id>', 'persistent session id', 'shardflow-mqtt-bridge')
    .option('--stream <name>', 'stream to write (default from SHARDFLOW_STREAM / app)')
    .option('--duration <seconds>', 'stop by itself after this many seconds', positive())
    .action(
      async (opts: {
        url?: string;
        topic: string;
        clientId: string;
        stream?: string;
        duration?: number;
      }) => {
        const config = loadConfig(process.env, opts.stream ? { streamName: opts.stream } : {});
        const clients = createAwsClients(config);
        try {
          await requireStream(clients.kinesis, config);
          const producer = new KinesisProducer({
            writer: sdkWriter(clients.kinesis, config.streamName),
            lingerMs: 5,
          });
          const bridge = await startMqttBridge({
            url: brokerUrl(opts.url),
            topic: opts.topic,
            clientId: opts.clientId,
            producer,
            deadLetter: firehoseMqttDeadLetters(clients.firehose, config.deadLetterDeliveryStream),
          });
          say(`bridging ${opts.topic} → ${config.streamName}`);
          const progress = setInterval(() => say(line(bridge.stats())), 1_000);
          await untilStopped(opts.duration);
          clearInterval(progress);
          await bridge.close();
          await producer.close();
          say(`done: ${line(bridge.stats())}`);
          if (bridge.stats().failed > 0) process.exitCode = 1;
        } finally {
          clients.destroy();
        }
      },
    );
  mqtt
    .command('devices')
    .description('simulated devices publishing their readings over MQTT (QoS 1)')
    .option('--url <url>', 'broker URL (default $SHARDFLOW_MQTT_URL)')
    .option(
      '--prefix <topic>',
      'topic prefix; readings go to <prefix>/<deviceId>',
      'shardflow/readings',
    )
    .option('--devices <n>', 'number of devices', positive(true), 20)
    .option('--seed <n>', 'seed of the simulation', positive(true), 1)
    .option('--steps <n>', 'simulated minutes to publish', positive(true), 60)
    .option('--start <iso>', 'simulated time of the first reading', '2026-11-23T00:00:00.000Z')
    .action(
      async (opts: {
        url?: string;
        prefix: string;
        devices: number;
        seed: number;
        steps: number;
        start: string;
      }) => {
        const sim = new DeviceSimulator({
          devices: opts.devices,
          seed: opts.seed,
          steps: opts.steps,
          start: opts.start,
        });
        let stop = false;
        void untilStopped(undefined).then(() => (stop = true));
        const n = await publishReadings(sim.readings(), {
          url: brokerUrl(opts.url),
          prefix: opts.prefix,
          stopped: () => stop,
        });
        say(`done: ${n} readings published and acknowledged`);
      },
    );
}

function line(s: { put: number; deadLettered: number; failed: number }): string {
  return `put ${s.put}, dead letters ${s.deadLettered}, unacknowledged failures ${s.failed}`;
}

function say(text: string): void {
  process.stderr.write(`${text}\n`);
}
