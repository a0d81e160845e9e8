/**
 * @module consumers
 * The KCL-grade consumer: the lease table (KCL-compatible), the lease coordinator, shard
 * discovery and resharding order, readers (polling, enhanced fan-out), de-aggregation,
 * checkpointing, and the RxJS `consume()` face. See consumers/README.md.
 */
export {
  comparePositions,
  isCheckpointed,
  isMultiStreamKey,
  isSentinel,
  isShardEnd,
  sentinel,
  SENTINEL,
} from './lease.js';
export type { ExtendedSequenceNumber, Lease, Sentinel } from './lease.js';
export {
  ATTR,
  fromItem,
  LEASE_ENTITY_TYPE,
  LeaseFormatError,
  readLeaseItem,
  toItem,
} from './lease-serializer.js';
export type { LeaseItem } from './lease-serializer.js';
export { LeaseLostError, LeaseRefresher } from './lease-refresher.js';
export type { LeaseRefresherOptions, LeaseTableScan } from './lease-refresher.js';
export { decideAssignment } from './lease-assignment.js';
export type {
  AssignmentDecision,
  AssignmentInput,
  AssignmentOptions,
  LeaseView,
} from './lease-assignment.js';
export { LeaseCoordinator } from './lease-coordinator.js';
export { coordinatorLogLevel, logCoordinatorEvent } from './coordinator-log.js';
export type { CoordinatorLogger } from './coordinator-log.js';
export type {
  CoordinatorEvent,
  CoordinatorListener,
  LeaseCoordinatorOptions,
  LeaseOperation,
} from './lease-coordinator.js';
export {
  finishedLeases,
  newLease,
  parentsDone,
  planShardSync,
  ShardSyncer,
  verifyLeaseTable,
} from './shard-sync.js';
export type { InitialPosition, ShardSyncerOptions, ShardSyncPlan } from './shard-sync.js';
export {
  checkLeaseTable,
  LeaseTableMismatchError,
  leaseTableProblem,
} from './lease-table-check.js';
export type { LeaseTableCheckInput } from './lease-table-check.js';
export { deaggregate, toSourceRecords } from './deaggregate.js';
export { getRecords, parseGetRecordsBody } from './get-records.js';
export { subscribeToShard } from './subscribe-to-shard.js';
export type { KinesisRecordLike, UserRecord } from './deaggregate.js';
export { CheckpointTracker } from './checkpoint-tracker.js';
export { sleep, startingPosition } from './shard-reader.js';
export type { ReadResult, ShardReader, StartingPosition } from './shard-reader.js';
export { PollingReader } from './polling-reader.js';
export type { PollingReaderOptions } from './polling-reader.js';
export { ensureStreamConsumer, FanOutReader } from './fanout-reader.js';
export type { FanOutReaderOptions } from './fanout-reader.js';
export { ShardConsumer } from './shard-consumer.js';
export type {
  ShardBatch,
  ShardConsumerDeps,
  ShardConsumerOptions,
  ShardEvent,
  ShardOutcome,
  ShardState,
  ShardStatus,
} from './shard-consumer.js';
export { endReason, SessionChannel } from './shard-session.js';
export type { SessionCommit, SessionEndReason, ShardSession } from './shard-session.js';
export { consume } from './consume.js';
export type { ConsumeOptions, Consumer, ConsumerEvent, Retrieval } from './consume-types.js';
export { ConsumerMetrics } from './metrics.js';
export { startWorker } from './worker.js';
export type { Worker, WorkerOptions } from './worker.js';
export { startWorkerHttp, UNHEALTHY_AFTER_FAILURES, WorkerHealth } from './worker-http.js';
export type { WorkerHttpOptions } from './worker-http.js';
