/**
 * MQTT → stream through the local cloud's broker (aedes) and kinesis-local: readings published
 * at QoS 1 land in the stream keyed by the topic's device id, bad payloads become dead letters,
 * and a message whose put failed is redelivered by the broker (it was never acknowledged).
 */
import {
  CreateStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { connectAsync } from 'mqtt';
import type { AwsClients } from '../../adapters/index.js';
import type { DeviceReading } from '../../core/index.js';
import { waitStreamActive } from '../../localstack/index.js';
import { testClients, testConfig, uniqueName, waitFor } from '../../test/helpers.js';
import { sdkWriter } from '../kinesis-writer.js';
import { KinesisProducer } from '../producer.js';
import type { UserRecord } from '../limits.js';
import { startMqttBridge, type MqttDeadLetter } from './mqtt-bridge.js';
import { publishReadings } from './mqtt-publisher.js';

const url = process.env.SHARDFLOW_MQTT_URL!;
const reading = (deviceId: string, minute: number): DeviceReading => ({
  kind: 'device',
  deviceId,
  ts: new Date(Date.parse('2026-11-23T05:00:00Z') + minute * 60_000).toISOString(),
  readings: { iaq: 45, temperature: 21, humidity: 40, voc: 0.5, pressure: 1013, co2: 600 + minute },
});

async function streamRecords(clients: AwsClients, stream: string) {
  const { Shards } = await clients.kinesis.send(new ListShardsCommand({ StreamName: stream }));
  const out: { key: string; data: DeviceReading }[] = [];
  for (const shard of Shards ?? []) {
    const { ShardIterator } = await clients.kinesis.send(
      new GetShardIteratorCommand({
        StreamName: stream,
        ShardId: shard.ShardId!,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const got = await clients.kinesis.send(new GetRecordsCommand({ ShardIterator }));
    for (const r of got.Records ?? [])
      out.push({ key: r.PartitionKey!, data: JSON.parse(Buffer.from(r.Data!).toString()) });
  }
  return out;
}

describe('MQTT bridge on the local cloud', () => {
  const config = testConfig();
  const clients = testClients(config);
  afterAll(() => clients.destroy());

  async function freshStream(): Promise<string> {
    const stream = uniqueName('mqtt');
    await clients.kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 2 }));
    await waitStreamActive(clients, stream);
    return stream;
  }

  it('forwards published readings to the stream keyed by device and dead-letters bad payloads', async () => {
    const stream = await freshStream();
    const prefix = uniqueName('site');
    const producer = new KinesisProducer({
      writer: sdkWriter(clients.kinesis, stream),
      aggregate: false,
      lingerMs: 5,
    });
    const letters: MqttDeadLetter[] = [];
    const bridge = await startMqttBridge({
      url,
      topic: `${prefix}/readings/+`,
      clientId: uniqueName('bridge'),
      producer,
      deadLetter: async (l) => void letters.push(l),
      now: () => Date.parse('2026-11-23T06:00:00Z'),
    });
    try {
      const sent = [0, 1, 2].flatMap((m) => [reading('DEV-A', m), reading('DEV-B', m)]);
      expect(await publishReadings(sent, { url, prefix: `${prefix}/readings` })).toBe(6);
      const device = await connectAsync(url);
      await device.publishAsync(`${prefix}/readings/DEV-C`, '{not json', { qos: 1 });
      await device.endAsync();
      await waitFor(() => bridge.stats().put === 6 && bridge.stats().deadLettered === 1, {
        what: 'six puts and one dead letter',
      });
      const records = await waitFor(async () => {
        const r = await streamRecords(clients, stream);
        return r.length >= 6 && r;
      });
      expect(records.map((r) => r.key).sort()).toEqual([
        'DEV-A',
        'DEV-A',
        'DEV-A',
        'DEV-B',
        'DEV-B',
        'DEV-B',
      ]);
      for (const r of records) expect(r.data.deviceId).toBe(r.key);
      expect(
        records
          .map((r) => r.data)
          .sort((a, b) => a.ts.localeCompare(b.ts) || a.deviceId.localeCompare(b.deviceId)),
      ).toEqual(
        [...sent].sort((a, b) => a.ts.localeCompare(b.ts) || a.deviceId.localeCompare(b.deviceId)),
      );
      expect(letters).toEqual([
        expect.objectContaining({
          reason: 'invalid-json',
          topic: `${prefix}/readings/DEV-C`,
          raw: '{not json',
        }),
      ]);
    } finally {
      await bridge.close();
      await producer.close();
    }
  });

  it('does not acknowledge a message whose put failed: the broker delivers it again', async () => {
    const stream = await freshStream();
    const prefix = uniqueName('site');
    const producer = new KinesisProducer({
      writer: sdkWriter(clients.kinesis, stream),
      aggregate: false,
      lingerMs: 5,
    });
    let failNext = true;
    const flaky = {
      put: (record: UserRecord) => {
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error('simulated put failure'));
        }
        return producer.put(record);
      },
    };
    const bridge = await startMqttBridge({
      url,
      topic: `${prefix}/readings/+`,
      clientId: uniqueName('bridge'),
      producer: flaky,
      deadLetter: () => Promise.reject(new Error('no dead letters expected')),
      reconnectPeriodMs: 100,
      now: () => Date.parse('2026-11-23T06:00:00Z'),
    });
    try {
      expect(
        await publishReadings([reading('DEV-R', 0)], { url, prefix: `${prefix}/readings` }),
      ).toBe(1);
      await waitFor(() => bridge.stats().put === 1, { what: 'the redelivered message put' });
      expect(bridge.stats()).toEqual({ put: 1, deadLettered: 0, failed: 1 });
      const records = await streamRecords(clients, stream);
      expect(records).toEqual([{ key: 'DEV-R', data: reading('DEV-R', 0) }]);
    } finally {
      await bridge.close();
      await producer.close();
    }
  });
});
