/**
 * @module bench/consumer-cloud
 * The local cloud the consumer benches run on: Kinesis and DynamoDB only (no bootstrap, no
 * other emulator competing for the cores).
 */
import { DEFAULT_EMULATORS, startLocalCloud, type LocalCloud } from '../localstack/index.js';

/** Starts kinesis-local and dynalite (see module doc); stop it with `cloud.stop()`. */
export function startConsumerCloud(): Promise<LocalCloud> {
  return startLocalCloud({
    bootstrap: false,
    mqtt: false,
    emulators: DEFAULT_EMULATORS.filter((e) => e.service === 'kinesis' || e.service === 'dynamodb'),
  });
}
