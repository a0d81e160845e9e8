/**
 * @module producers/sources/mqtt-dead-letters
 * Where the MQTT bridge's dead letters go: one line per message on the dead-letter Firehose
 * delivery stream (the same archive, `dead-letters/` in the lake, and the same line fields as
 * the consumers' dead letters: reason, detail, positions, raw, at, pipeline), plus the topic.
 * A message has no stream position yet, so `positions` is empty. Resolves once Firehose
 * accepted the line, so the bridge acknowledges the message only then.
 */
import { PutRecordCommand, type FirehoseClient } from '@aws-sdk/client-firehose';
import type { MqttDeadLetter } from './mqtt-bridge.js';

/** A dead-letter writer for {@link startMqttBridge} on a Firehose delivery stream. */
export function firehoseMqttDeadLetters(
  client: FirehoseClient,
  deliveryStreamName: string,
  clock: () => number = Date.now,
): (letter: MqttDeadLetter) => Promise<void> {
  return async (letter) => {
    const line = {
      reason: letter.reason,
      detail: letter.detail,
      positions: {},
      raw: letter.raw,
      at: new Date(clock()).toISOString(),
      pipeline: 'mqtt-bridge',
      topic: letter.topic,
    };
    await client.send(
      new PutRecordCommand({
        DeliveryStreamName: deliveryStreamName,
        Record: { Data: Buffer.from(`${JSON.stringify(line)}\n`) },
      }),
    );
  };
}
