/**
 * @module bench/consumer-cloud
 * The local cloud the consumer benches run on: Kinesis and DynamoDB only (no bootstrap, no
 * other emulator competing for the cores), and a fresh stream on it that is ACTIVE.
 */
import { CreateStreamCommand } from '@aws-sdk/client-kinesis';
import {
  DEFAULT_EMULATORS,
  startLocalCloud,
  waitStreamActive,
  type LocalCloud,
} from '../localstack/index.js';

/** Starts kinesis-local and dynalite (see module doc); stop it with `cloud.stop()`. */
export function startConsumerCloud(): Promise<LocalCloud> {
  return startLocalCloud({
    bootstrap: false,
    mqtt: false,
    emulators: DEFAULT_EMULATORS.filter((e) => e.service === 'kinesis' || e.service === 'dynamodb'),
  });
}

/** Creates stream `name` with `shards` shards and waits up to `timeoutMs` until it is ACTIVE. */
export async function createBenchStream(
  cloud: LocalCloud,
  name: string,
  shards: number,
  timeoutMs = 30_000,
): Promise<void> {
  await cloud.clients.kinesis.send(
    new CreateStreamCommand({ StreamName: name, ShardCount: shards }),
  );
  await waitStreamActive(cloud.clients, name, timeoutMs);
}
