/**
 * @module producers/sources/mqtt-message
 * What the MQTT bridge does with one message, as a pure decision: the device id is the topic's
 * last level (`shardflow/readings/<deviceId>`, what the IoT Core rule reads as `${topic(3)}`),
 * the payload is one reading in the wire or legacy shape, checked like the HTTP ingest
 * (schema, plausible ranges, event time not beyond the skew ahead of the clock). The outcome
 * is either the record to put (partition key = device id, the normalized reading as data) or
 * a dead letter's reason and detail. Never throws.
 */
import {
  futureTimeProblem,
  implausibleMeasures,
  parseReading,
  readingKey,
  readingTime,
  type DeadLetterReason,
} from '../../core/index.js';
import type { ReadingRules } from './ingest-rules.js';

/** The bridge's decision on one message. */
export type MqttMessageOutcome =
  | { readonly ok: true; readonly partitionKey: string; readonly data: string }
  | { readonly ok: false; readonly reason: DeadLetterReason; readonly detail: string };

/** The topic's last level (the device id), or undefined for an empty one. */
export function deviceIdOfTopic(topic: string): string | undefined {
  const last = topic.split('/').at(-1);
  return last === undefined || last === '' ? undefined : last;
}

/**
 * Decides what one MQTT message becomes.
 *
 * @example
 * decideMqttMessage('shardflow/readings/B84C', Buffer.from('{"kind":"device",…}'), rules)
 * // { ok: true, partitionKey: 'B84C', data: '{"kind":"device",…}' }
 */
export function decideMqttMessage(
  topic: string,
  payload: Uint8Array,
  rules: ReadingRules,
): MqttMessageOutcome {
  const fail = (reason: DeadLetterReason, detail: string): MqttMessageOutcome => ({
    ok: false,
    reason,
    detail,
  });
  const deviceId = deviceIdOfTopic(topic);
  if (deviceId === undefined) return fail('schema', `topic ${topic} names no device`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    return fail('invalid-json', 'payload is not UTF-8 JSON');
  }
  const parsed = parseReading(json);
  if (!parsed.ok) return fail('schema', parsed.detail);
  const reading = parsed.reading;
  if (readingKey(reading) !== deviceId) {
    return fail('schema', `payload id ${readingKey(reading)} differs from the topic's ${deviceId}`);
  }
  const outside = implausibleMeasures(reading.readings, rules.ranges);
  if (outside.length > 0) return fail('out-of-range', `readings: ${outside.join('; ')}`);
  const future = futureTimeProblem(readingTime(reading), rules.now, rules.maxFutureSkewMs);
  if (future !== undefined) return fail('future-timestamp', `ts: ${future}`);
  return { ok: true, partitionKey: deviceId, data: JSON.stringify(reading) };
}
