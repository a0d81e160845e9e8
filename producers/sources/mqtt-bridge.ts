/**
 * @module producers/sources/mqtt-bridge
 * The MQTT bridge: subscribes to a topic filter (default `shardflow/readings/+`) on a broker
 * and forwards each message to the stream through the producer, partition key = the device id
 * of the topic — what the IoT Core topic rule of `deploy/iot.ts` does in AWS.
 *
 * Invariant (at-least-once): a QoS 1 message is acknowledged (PUBACK) only after its record
 * was put (or, for a bad payload, its dead letter written). When a put fails the message is
 * not acknowledged and the bridge reconnects its persistent session (fixed client id,
 * `clean: false`), so the broker delivers it again. MQTT 3.1.1 handles one incoming message
 * at a time per connection, so throughput is one put round trip per message (give the
 * producer a short `lingerMs`).
 */
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import {
  DEFAULT_MAX_FUTURE_SKEW_MS,
  PLAUSIBLE_RANGES,
  type DeadLetterReason,
  type PlausibleRanges,
} from '../../core/index.js';
import type { UserRecord } from '../limits.js';
import type { PutResult } from '../producer-options.js';
import { decideMqttMessage } from './mqtt-message.js';

/** The topic filter the bridge subscribes to by default. */
export const DEFAULT_MQTT_TOPIC = 'shardflow/readings/+';

/** A message the bridge could not turn into a reading. */
export interface MqttDeadLetter {
  readonly reason: DeadLetterReason;
  readonly detail: string;
  readonly topic: string;
  /** The payload as UTF-8 text (replacement characters where it is not). */
  readonly raw: string;
}

/** Options of {@link startMqttBridge}. */
export interface MqttBridgeOptions {
  /** Broker URL, e.g. `mqtt://127.0.0.1:1883` (`SHARDFLOW_MQTT_URL`). */
  readonly url: string;
  /** Topic filter; its matched topics' last level is the device id. */
  readonly topic?: string;
  /** Where readings go (a `KinesisProducer`). */
  readonly producer: { put(record: UserRecord): Promise<PutResult> };
  /** Writes a dead letter durably; the message is acknowledged once it resolves. */
  readonly deadLetter: (letter: MqttDeadLetter) => Promise<void>;
  /** Client id of the persistent session; default `shardflow-mqtt-bridge`. */
  readonly clientId?: string;
  readonly maxFutureSkewMs?: number;
  readonly ranges?: PlausibleRanges;
  /** The ingest clock (epoch ms); default `Date.now`. */
  readonly now?: () => number;
  /** Delay before reconnecting after a failure; default 500 ms. */
  readonly reconnectPeriodMs?: number;
  /** Extra client options (credentials, TLS). */
  readonly clientOptions?: IClientOptions;
  /** Called after each message with what became of it. */
  readonly onMessage?: (outcome: 'put' | 'dead-letter' | 'failed') => void;
}

/** Counters of a bridge. */
export interface MqttBridgeStats {
  readonly put: number;
  readonly deadLettered: number;
  /** Messages left unacknowledged because the put or the dead letter failed. */
  readonly failed: number;
}

/** A running bridge. */
export interface MqttBridge {
  stats(): MqttBridgeStats;
  /** Stops taking messages, lets the current one finish, disconnects (session kept). */
  close(): Promise<void>;
}

/** Connects, subscribes at QoS 1 and starts forwarding; resolves once subscribed. */
export async function startMqttBridge(options: MqttBridgeOptions): Promise<MqttBridge> {
  const {
    url,
    topic = DEFAULT_MQTT_TOPIC,
    producer,
    deadLetter,
    clientId = 'shardflow-mqtt-bridge',
    maxFutureSkewMs = DEFAULT_MAX_FUTURE_SKEW_MS,
    ranges = PLAUSIBLE_RANGES,
    now = Date.now,
    reconnectPeriodMs = 500,
    onMessage = () => undefined,
  } = options;
  const counts = { put: 0, deadLettered: 0, failed: 0 };
  let closing = false;
  let current: Promise<unknown> = Promise.resolve();
  const client: MqttClient = connect(url, {
    ...options.clientOptions,
    clientId,
    clean: false,
    reconnectPeriod: reconnectPeriodMs,
    resubscribe: true,
  });

  const forward = async (topicName: string, payload: Buffer): Promise<void> => {
    const outcome = decideMqttMessage(topicName, payload, { now: now(), maxFutureSkewMs, ranges });
    if (outcome.ok) {
      await producer.put({ partitionKey: outcome.partitionKey, data: outcome.data });
      counts.put += 1;
      onMessage('put');
    } else {
      const raw = new TextDecoder('utf-8').decode(payload);
      await deadLetter({ reason: outcome.reason, detail: outcome.detail, topic: topicName, raw });
      counts.deadLettered += 1;
      onMessage('dead-letter');
    }
  };

  // mqtt.js sends the PUBACK of a QoS 1 message only when this callback succeeds
  client.handleMessage = (packet, callback) => {
    if (closing) {
      callback(new Error('bridge closing: left unacknowledged for redelivery'));
      return;
    }
    const work = forward(packet.topic, Buffer.from(packet.payload));
    current = work.catch(() => undefined);
    work.then(
      () => callback(),
      (error: unknown) => {
        counts.failed += 1;
        onMessage('failed');
        callback(error instanceof Error ? error : new Error(String(error)));
        // not acknowledged: drop the connection so the broker redelivers on reconnect
        if (!closing) client.stream.destroy();
      },
    );
  };

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => {
      client.end(true);
      reject(error);
    };
    client.once('error', onError);
    client.once('connect', () => {
      client.subscribe(topic, { qos: 1 }, (error) => {
        client.off('error', onError);
        if (error) onError(error);
        else resolve();
      });
    });
  });
  client.on('error', () => undefined); // reconnects by itself; failures are counted above

  return {
    stats: () => ({ ...counts }),
    async close() {
      closing = true;
      await current;
      await client.endAsync();
    },
  };
}
