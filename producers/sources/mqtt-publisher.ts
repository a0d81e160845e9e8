/**
 * @module producers/sources/mqtt-publisher
 * Devices over MQTT: publishes readings (e.g. the device simulator's) to
 * `<prefix>/<deviceId>` at QoS 1, the way a device would publish to AWS IoT Core. A reading
 * counts as published once the broker acknowledged it (PUBACK); at most `maxInFlight`
 * publishes await their acknowledgement at a time.
 */
import { connectAsync, type IClientOptions } from 'mqtt';
import { readingKey, type Reading } from '../../core/index.js';

/** Options of {@link publishReadings}. */
export interface MqttPublishOptions {
  /** Broker URL (`SHARDFLOW_MQTT_URL`). */
  readonly url: string;
  /** Topic prefix; a reading goes to `<prefix>/<its device id>`. Default `shardflow/readings`. */
  readonly prefix?: string;
  /** Publishes awaiting their PUBACK at a time; default 32. */
  readonly maxInFlight?: number;
  /** Stops early when it returns true (checked before each reading). */
  readonly stopped?: () => boolean;
  readonly clientOptions?: IClientOptions;
}

/** Publishes every reading at QoS 1; resolves with how many were acknowledged. */
export async function publishReadings(
  readings: Iterable<Reading> | AsyncIterable<Reading>,
  options: MqttPublishOptions,
): Promise<number> {
  const { url, prefix = 'shardflow/readings', maxInFlight = 32, stopped = () => false } = options;
  const client = await connectAsync(url, { reconnectPeriod: 1_000, ...options.clientOptions });
  const inFlight = new Set<Promise<unknown>>();
  let acknowledged = 0;
  try {
    for await (const reading of readings) {
      if (stopped()) break;
      const sent = client
        .publishAsync(`${prefix}/${readingKey(reading)}`, JSON.stringify(reading), { qos: 1 })
        .then(() => {
          acknowledged += 1;
        });
      inFlight.add(sent);
      void sent.finally(() => inFlight.delete(sent)).catch(() => undefined);
      if (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    await client.endAsync();
  }
  return acknowledged;
}
