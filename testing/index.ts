/**
 * @module shardflow/testing
 * Helpers for testing code built on shardflow against real services, not mocks: the embedded
 * local cloud (Kinesis, DynamoDB, S3, Firehose and SageMaker-runtime emulators as child
 * processes, with the application's resources created) and the virtual clock. Starting the
 * local cloud needs the emulator packages `kinesis-local`, `dynalite` and `s3rver` installed
 * (development dependencies of shardflow; install them next to it).
 *
 * @example
 * ```ts
 * const cloud = await startLocalCloud({ flags: { app: 'my-test' } });
 * const flow = new Shardflow(cloud.config);
 * // … produce, consume, assert …
 * flow.close();
 * await cloud.stop();
 * ```
 */
export { VirtualClock, settle } from '../core/index.js';
export { bootstrapResources, startLocalCloud } from '../localstack/index.js';
export type { BootstrapReport, LocalCloud, LocalCloudOptions } from '../localstack/index.js';
