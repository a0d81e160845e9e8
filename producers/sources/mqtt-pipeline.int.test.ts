/**
 * MQTT → tables: simulated devices publish 70 minutes of readings over MQTT (QoS 1) to the
 * local cloud's broker; the bridge forwards them to the stream; a `shardflow consume
 * --pipeline devices` worker process runs the devices pipeline; the predictions table then
 * holds rows of exactly those devices (60-minute forecasts need the whole look-back, so a row
 * proves the readings flowed through in order).
 */
import type { ChildProcess } from 'node:child_process';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { resourcesFor } from '../../core/index.js';
import { bootstrapResources, withoutRawArchive, freePort } from '../../localstack/index.js';
import { spawnCli, testClients, testConfig, uniqueName, waitFor } from '../../test/helpers.js';
import { sdkWriter } from '../kinesis-writer.js';
import { KinesisProducer } from '../producer.js';
import { DeviceSimulator } from './device-simulator.js';
import { startMqttBridge } from './mqtt-bridge.js';
import { publishReadings } from './mqtt-publisher.js';

const url = process.env.SHARDFLOW_MQTT_URL!;
const config = testConfig({ shardCount: 1 });
const aws = testClients(config);
let worker: ChildProcess | undefined;

beforeAll(async () => {
  const resources = resourcesFor(config);
  await bootstrapResources(aws, withoutRawArchive(resources), { deliveryStreams: true });
});
afterAll(() => {
  if (worker && worker.exitCode === null) worker.kill('SIGKILL');
  aws.destroy();
});

it('readings published over MQTT become rows of the predictions table', async () => {
  const prefix = `${uniqueName('site')}/readings`;
  const producer = new KinesisProducer({
    writer: sdkWriter(aws.kinesis, config.streamName),
    lingerMs: 5,
  });
  const bridge = await startMqttBridge({
    url,
    topic: `${prefix}/+`,
    clientId: uniqueName('bridge'),
    producer,
    deadLetter: () => Promise.reject(new Error('no dead letters expected')),
  });
  const sim = new DeviceSimulator({
    devices: 2,
    seed: 7,
    steps: 70,
    start: '2026-11-23T00:00:00.000Z',
  });
  const sent = [...sim.readings()];
  const devices = [...new Set(sent.map((r) => r.deviceId))];
  expect(await publishReadings(sent, { url, prefix })).toBe(sent.length);
  await waitFor(() => bridge.stats().put === sent.length, { what: 'every reading put' });
  await bridge.close();
  await producer.close();

  const port = await freePort();
  worker = spawnCli(['consume', '--pipeline', 'devices'], {
    SHARDFLOW_APP: config.app,
    SHARDFLOW_SHARDS: '1',
    SHARDFLOW_HTTP_PORT: String(port),
    SHARDFLOW_DRAIN_DEADLINE_SECONDS: '4',
    LOG_LEVEL: 'warn',
  });
  const rows = await waitFor(
    async () => {
      const out = await aws.documents.send(
        new ScanCommand({ TableName: config.predictionsTableName }),
      );
      const items = out.Items ?? [];
      return devices.every((d) => items.some((i) => JSON.stringify(i).includes(d))) && items;
    },
    { timeoutMs: 60_000, intervalMs: 500, what: 'predictions of both devices' },
  );
  for (const item of rows) expect(devices.some((d) => JSON.stringify(item).includes(d))).toBe(true);
}, 120_000);
