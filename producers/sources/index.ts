/**
 * @module producers/sources
 * The sources that feed the producer: the device simulator, the household replay, the
 * HTTP ingest server, and the pacing that runs simulated time faster than real time.
 */
export { DeviceSimulator } from './device-simulator.js';
export type { AnomalyKind, AnomalyLabel, DeviceSimulatorOptions } from './device-simulator.js';
export {
  householdEvents,
  householdId,
  loadHouseholdRows,
  parseHouseholdRows,
} from './household-replay.js';
export type { HouseholdEvent, HouseholdReplayOptions, HouseholdRow } from './household-replay.js';
export { startHttpIngest } from './http-ingest.js';
export { apiKeyMatcher, loadApiKey, MIN_API_KEY_LENGTH } from './api-key.js';
export type { ApiKeySources } from './api-key.js';
export type { HttpIngest, HttpIngestOptions } from './http-ingest.js';
export { startMqttBridge, DEFAULT_MQTT_TOPIC } from './mqtt-bridge.js';
export type {
  MqttBridge,
  MqttBridgeOptions,
  MqttBridgeStats,
  MqttDeadLetter,
} from './mqtt-bridge.js';
export { firehoseMqttDeadLetters } from './mqtt-dead-letters.js';
export { decideMqttMessage, deviceIdOfTopic } from './mqtt-message.js';
export type { MqttMessageOutcome } from './mqtt-message.js';
export { publishReadings } from './mqtt-publisher.js';
export type { MqttPublishOptions } from './mqtt-publisher.js';
