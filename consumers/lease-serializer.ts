/**
 * @module consumers/lease-serializer
 * Converts leases to and from DynamoDB items with the attribute names and types the Java
 * KCL's lease serializer uses, so a table left by a KCL application can be taken over and
 * AWS tooling reads ours. Invariant: `fromItem(toItem(l))` equals `l`; optional fields and
 * empty string sets are omitted (DynamoDB rejects empty sets), never written as nulls.
 * A KCL 3.x lease table also holds items that are not leases (a `Leader` lock,
 * `Migration3.0`, `TableMigration3.5`, `WORKER_METRIC_STATS`, …): {@link readLeaseItem}
 * recognizes leases as the KCL's `fromDynamoRecord` does (`entityType` absent or `LEASE`)
 * and, in addition, only items with a `leaseKey` and a `checkpoint`.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ShardflowError } from '../core/index.js';
import type { ExtendedSequenceNumber, Lease } from './lease.js';

/** The attribute names, exactly as the KCL writes them. */
export const ATTR = {
  leaseKey: 'leaseKey',
  leaseOwner: 'leaseOwner',
  leaseCounter: 'leaseCounter',
  checkpoint: 'checkpoint',
  checkpointSubSequenceNumber: 'checkpointSubSequenceNumber',
  pendingCheckpoint: 'pendingCheckpoint',
  pendingCheckpointSubSequenceNumber: 'pendingCheckpointSubSequenceNumber',
  ownerSwitchesSinceCheckpoint: 'ownerSwitchesSinceCheckpoint',
  parentShardId: 'parentShardId',
  childShardIds: 'childShardIds',
  startingHashKey: 'startingHashKey',
  endingHashKey: 'endingHashKey',
  checkpointOwner: 'checkpointOwner',
  throughputKBps: 'throughputKBps',
  /** KCL 3.5: `LEASE` on leases; other values mark the table's non-lease items. */
  entityType: 'entityType',
  /** KCL 3.x: state of a pending two-phase checkpoint (binary), removed with it. */
  pendingCheckpointState: 'pendingCheckpointState',
  /** Not KCL: the ARN of the lease's stream (see `Lease.streamArn`). */
  shardflowStream: 'shardflowStream',
  /** Not KCL: shardflow's state snapshot reference (the KCL ignores unknown attributes). */
  shardflowState: 'shardflowState',
} as const;

/** The `entityType` of a lease (KCL 3.5 `EntityType.LEASE`). */
export const LEASE_ENTITY_TYPE = 'LEASE';

/** A DynamoDB item in the low-level attribute-value form. */
export type LeaseItem = Record<string, AttributeValue>;

/** A DynamoDB string attribute value (the lease table adapter writes with it too). */
export const stringAttr = (v: string): AttributeValue => ({ S: v });
/** A DynamoDB number attribute value. */
export const numberAttr = (v: number): AttributeValue => ({ N: String(v) });
const s = stringAttr;
const n = numberAttr;

/** Serializes a lease to a DynamoDB item (KCL `DynamoDBLeaseSerializer.toDynamoRecord`). */
export function toItem(lease: Lease): LeaseItem {
  const item: LeaseItem = {
    [ATTR.leaseKey]: s(lease.leaseKey),
    [ATTR.entityType]: s(LEASE_ENTITY_TYPE),
    [ATTR.leaseCounter]: n(lease.leaseCounter),
    [ATTR.ownerSwitchesSinceCheckpoint]: n(lease.ownerSwitchesSinceCheckpoint),
    [ATTR.checkpoint]: s(lease.checkpoint.sequenceNumber),
    [ATTR.checkpointSubSequenceNumber]: n(lease.checkpoint.subSequenceNumber),
  };
  if (lease.leaseOwner !== undefined) item[ATTR.leaseOwner] = s(lease.leaseOwner);
  if (lease.streamArn !== undefined) item[ATTR.shardflowStream] = s(lease.streamArn);
  if (lease.pendingCheckpoint) {
    item[ATTR.pendingCheckpoint] = s(lease.pendingCheckpoint.sequenceNumber);
    item[ATTR.pendingCheckpointSubSequenceNumber] = n(lease.pendingCheckpoint.subSequenceNumber);
  }
  if (lease.parentShardIds.length > 0) item[ATTR.parentShardId] = { SS: [...lease.parentShardIds] };
  if (lease.childShardIds.length > 0) item[ATTR.childShardIds] = { SS: [...lease.childShardIds] };
  if (lease.hashKeyRange) {
    item[ATTR.startingHashKey] = s(lease.hashKeyRange.startingHashKey);
    item[ATTR.endingHashKey] = s(lease.hashKeyRange.endingHashKey);
  }
  if (lease.checkpointOwner !== undefined) item[ATTR.checkpointOwner] = s(lease.checkpointOwner);
  if (lease.throughputKBps !== undefined) item[ATTR.throughputKBps] = n(lease.throughputKBps);
  if (lease.stateRef !== undefined) item[ATTR.shardflowState] = s(lease.stateRef);
  return item;
}

/** A lease table item that is not a KCL lease. */
export class LeaseFormatError extends ShardflowError {
  constructor(message: string) {
    super('LEASE_FORMAT', message);
  }
}

function str(item: LeaseItem, name: string): string | undefined {
  return item[name]?.S;
}

function num(item: LeaseItem, name: string): number | undefined {
  const v = item[name]?.N;
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x)) throw new LeaseFormatError(`${name} is not a number: ${v}`);
  return x;
}

function esn(item: LeaseItem, seq: string, sub: string): ExtendedSequenceNumber | undefined {
  const sequenceNumber = str(item, seq);
  if (sequenceNumber === undefined) return undefined;
  return { sequenceNumber, subSequenceNumber: num(item, sub) ?? 0 };
}

/**
 * The lease in a lease-table item, or undefined when the item is not a lease: an
 * `entityType` other than `LEASE` (KCL 3.x coordinator state, worker metrics), or no
 * `leaseKey` or `checkpoint` string. Such items are never modified or deleted.
 */
export function readLeaseItem(item: LeaseItem): Lease | undefined {
  const entityType = item[ATTR.entityType];
  if (entityType !== undefined && entityType.S !== LEASE_ENTITY_TYPE) return undefined;
  if (str(item, ATTR.leaseKey) === undefined || str(item, ATTR.checkpoint) === undefined) {
    return undefined;
  }
  return fromItem(item);
}

/** Parses a DynamoDB item written by the KCL or by shardflow (`fromDynamoRecord`). */
export function fromItem(item: LeaseItem): Lease {
  const leaseKey = str(item, ATTR.leaseKey);
  if (leaseKey === undefined) throw new LeaseFormatError('item has no leaseKey string');
  const checkpoint = esn(item, ATTR.checkpoint, ATTR.checkpointSubSequenceNumber);
  if (!checkpoint) throw new LeaseFormatError(`lease ${leaseKey} has no checkpoint`);
  const leaseOwner = str(item, ATTR.leaseOwner);
  const streamArn = str(item, ATTR.shardflowStream);
  const pendingCheckpoint = esn(
    item,
    ATTR.pendingCheckpoint,
    ATTR.pendingCheckpointSubSequenceNumber,
  );
  const startingHashKey = str(item, ATTR.startingHashKey);
  const endingHashKey = str(item, ATTR.endingHashKey);
  const checkpointOwner = str(item, ATTR.checkpointOwner);
  const throughputKBps = num(item, ATTR.throughputKBps);
  const stateRef = str(item, ATTR.shardflowState);
  return {
    leaseKey,
    ...(streamArn !== undefined ? { streamArn } : {}),
    ...(leaseOwner !== undefined ? { leaseOwner } : {}),
    leaseCounter: num(item, ATTR.leaseCounter) ?? 0,
    checkpoint,
    ...(pendingCheckpoint ? { pendingCheckpoint } : {}),
    ownerSwitchesSinceCheckpoint: num(item, ATTR.ownerSwitchesSinceCheckpoint) ?? 0,
    parentShardIds: [...(item[ATTR.parentShardId]?.SS ?? [])].sort(),
    childShardIds: [...(item[ATTR.childShardIds]?.SS ?? [])].sort(),
    ...(startingHashKey !== undefined && endingHashKey !== undefined
      ? { hashKeyRange: { startingHashKey, endingHashKey } }
      : {}),
    ...(checkpointOwner !== undefined ? { checkpointOwner } : {}),
    ...(throughputKBps !== undefined ? { throughputKBps } : {}),
    ...(stateRef !== undefined ? { stateRef } : {}),
  };
}
