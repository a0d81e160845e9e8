/**
 * @module adapters
 * Thin I/O adapters shared by producers, consumers and pipelines: the AWS client factory
 * and the logger. Logic lives elsewhere; these only talk to the outside world.
 */
export { createAwsClients, kinesisUsesHttp1 } from './aws-clients.js';
export type { AwsClients, AwsClientOptions } from './aws-clients.js';
export { createLogger, silentLogger } from './logger.js';
export type { Logger } from './logger.js';
