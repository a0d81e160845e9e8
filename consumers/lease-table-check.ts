/**
 * @module consumers/lease-table-check
 * Decides, before a worker touches a lease table, whether the table can serve its stream,
 * and says why not in one line. Pure: it reads a table scan and the worker's settings.
 * Refused: a KCL multi-stream table (keys `account:stream:creationEpoch:shardId`; shardflow
 * reads single-stream tables only and never deletes leases it does not understand), a table
 * whose leases record another stream (two streams, one table: the shard ids collide, so a
 * worker would read one stream with the other's checkpoints), and leases left at the
 * `AT_TIMESTAMP` sentinel when no start time is configured (the KCL reads them from its
 * configured timestamp too; reading from time 0 would replay the whole retention).
 */
import { ShardflowError } from '../core/index.js';
import { SENTINEL, isMultiStreamKey, type Lease } from './lease.js';
import type { LeaseTableScan } from './lease-refresher.js';

/** The lease table cannot serve this worker's stream; the message is one line. */
export class LeaseTableMismatchError extends ShardflowError {
  constructor(message: string) {
    super('LEASE_TABLE_MISMATCH', message);
  }
}

/** What the check needs to know about the worker. */
export interface LeaseTableCheckInput {
  readonly tableName: string;
  readonly streamName: string;
  readonly streamArn: string;
  /** True when a start time is configured (initial position `AT_TIMESTAMP`). */
  readonly hasStartTime: boolean;
}

const OWN_TABLE = 'give each stream its own lease table (--lease-table, SHARDFLOW_LEASE_TABLE)';

/** The reason the table cannot serve the worker, or undefined when it can. */
export function leaseTableProblem(
  scan: LeaseTableScan,
  input: LeaseTableCheckInput,
): string | undefined {
  const { tableName, streamName, streamArn, hasStartTime } = input;
  const multi = scan.leases.find((l) => isMultiStreamKey(l.leaseKey));
  if (multi) {
    return (
      `lease table ${tableName} is a KCL multi-stream table (lease ${multi.leaseKey}); ` +
      `shardflow reads single-stream tables only: ${OWN_TABLE}`
    );
  }
  const foreign = scan.leases.find((l) => l.streamArn !== undefined && l.streamArn !== streamArn);
  if (foreign) {
    return (
      `lease table ${tableName} holds leases of stream ${foreign.streamArn}, ` +
      `not of ${streamName}: ${OWN_TABLE}`
    );
  }
  const atTimestamp = scan.leases.find(
    (l: Lease) => l.checkpoint.sequenceNumber === SENTINEL.AT_TIMESTAMP,
  );
  if (atTimestamp && !hasStartTime) {
    return (
      `lease ${atTimestamp.leaseKey} of ${tableName} starts AT_TIMESTAMP but no start time ` +
      'is configured: use --initial-position AT_TIMESTAMP --timestamp <iso>'
    );
  }
  return undefined;
}

/** Throws {@link LeaseTableMismatchError} when {@link leaseTableProblem} finds one. */
export function checkLeaseTable(scan: LeaseTableScan, input: LeaseTableCheckInput): void {
  const problem = leaseTableProblem(scan, input);
  if (problem) throw new LeaseTableMismatchError(problem);
}
