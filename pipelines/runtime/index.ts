/**
 * @module pipelines/runtime
 * Shared pipeline plumbing: the ack join (claims and the ledger), one result item per window,
 * the per-shard chains fed by consumer batches, the shared reading chain, the single sink
 * stage, and running a pipeline on a consumer. See pipelines/README.md.
 */
export * from './ack-ledger.js';
export * from './result-item.js';
export * from './lookback.js';
export * from './reading-chain.js';
export * from './pipeline.js';
export * from './write-results.js';
export * from './shard-chains.js';
export * from './result-sinks.js';
export * from './run-pipeline.js';
export * from './pipeline-worker.js';
