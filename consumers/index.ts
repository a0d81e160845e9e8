/**
 * @module consumers
 * The KCL-grade consumer: the lease table (KCL-compatible), the lease coordinator, shard
 * discovery and resharding order, readers (polling, enhanced fan-out), de-aggregation,
 * checkpointing, and the RxJS `consume()` face. See consumers/README.md.
 */
export * from './lease.js';
export * from './lease-serializer.js';
export * from './lease-refresher.js';
export * from './lease-assignment.js';
export * from './lease-coordinator.js';
export * from './shard-sync.js';
export * from './lease-table-check.js';
export * from './deaggregate.js';
export * from './checkpoint-tracker.js';
export * from './shard-reader.js';
export * from './polling-reader.js';
export * from './fanout-reader.js';
export * from './shard-consumer.js';
export * from './shard-session.js';
export * from './consume.js';
export * from './metrics.js';
export * from './worker.js';
export * from './worker-http.js';
