/**
 * @module pipelines/runtime
 * Shared pipeline plumbing: one result item per window, the shared reading chain on keyed
 * state, the single sink stage, one shard runner per consumer session (snapshot barriers,
 * restore, commits), and running a pipeline on a consumer. See pipelines/README.md.
 */
export * from './result-item.js';
export * from './lookback.js';
export * from './reading-chain.js';
export * from './pipeline.js';
export * from './write-results.js';
export * from './shard-runner.js';
export * from './chain-models.js';
export * from './open-inputs.js';
export * from './result-sinks.js';
export * from './run-pipeline.js';
export * from './pipeline-worker.js';
