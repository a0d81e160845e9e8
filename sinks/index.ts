/**
 * @module sinks
 * The sinks of shardflow's pipelines: DynamoDB result rows, Firehose (results lake) and
 * dead letters. Each takes injected SDK clients (from `createAwsClients`) and traced
 * items, and reports the positions that became durable plus per-item failures.
 */
export * from './sink.js';
export * from './batching.js';
export * from './keys.js';
export * from './firehose-sink.js';
export * from './dynamodb-sink.js';
export * from './dead-letter-sink.js';
export * from './readings-sink.js';
export * from './sink-metrics.js';
export * from './write-to-sink.js';
