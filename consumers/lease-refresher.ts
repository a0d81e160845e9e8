/**
 * @module consumers/lease-refresher
 * The thin DynamoDB adapter over the lease table (KCL `LeaseRefresher`). Every change is an
 * `UpdateItem` conditional on the `leaseCounter` the caller last saw (and on ownership
 * where it matters) and increments the counter; a failed condition is reported as a
 * {@link LeaseLostError}, never retried. Works on dynalite (no transactions used).
 * Non-lease items (KCL 3.x coordinator state, worker metrics) are skipped by every read and
 * excluded by every write's condition, so they are never modified or deleted. Bound to a
 * stream ({@link LeaseRefresher.bindStream}), it records the stream's ARN on the leases it
 * creates and takes, and never lists, takes or deletes a lease of another stream.
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { ShardflowError } from '../core/index.js';
import { createLeaseTable } from './lease-table.js';
import { SENTINEL, isMultiStreamKey, type ExtendedSequenceNumber, type Lease } from './lease.js';
import {
  LEASE_ENTITY_TYPE,
  fromItem,
  numberAttr as n,
  readLeaseItem,
  stringAttr as s,
  toItem,
  type LeaseItem,
} from './lease-serializer.js';

/** Everything in a lease table: its leases (any stream) and the keys of non-lease items. */
export interface LeaseTableScan {
  readonly leases: readonly Lease[];
  readonly others: readonly string[];
}

/** Write condition: the item is a lease (KCL 3.5 `entityType` absent or `LEASE`). */
const IS_LEASE = '(attribute_not_exists(entityType) OR entityType = :lease)';
/** Write condition: the lease records no stream, or the bound one. */
const OUR_STREAM = '(attribute_not_exists(shardflowStream) OR shardflowStream = :stream)';

/** A conditional lease write failed: someone else changed the lease; it is no longer ours. */
export class LeaseLostError extends ShardflowError {
  /** The lease that was lost. */
  readonly leaseKey: string;
  constructor(leaseKey: string, operation: string) {
    super('LEASE_LOST', `lease ${leaseKey} lost (conditional ${operation} failed)`);
    this.leaseKey = leaseKey;
  }
}

/** Options of {@link LeaseRefresher}. */
export interface LeaseRefresherOptions {
  readonly dynamodb: DynamoDBClient;
  readonly tableName: string;
}

/** Reads and conditionally writes the lease table. */
export class LeaseRefresher {
  private readonly dynamodb: DynamoDBClient;
  private readonly tableName: string;
  private streamArn: string | undefined;

  constructor({ dynamodb, tableName }: LeaseRefresherOptions) {
    if (!tableName) throw new ShardflowError('LEASE_TABLE', 'lease table name is required');
    this.dynamodb = dynamodb;
    this.tableName = tableName;
  }

  /** Creates the lease table (key `leaseKey`, on demand) unless it exists, and waits until ACTIVE. */
  createTableIfNotExists(timeoutMs = 30_000): Promise<void> {
    return createLeaseTable(this.dynamodb, this.tableName, timeoutMs);
  }

  /** The lease table's name. */
  get table(): string {
    return this.tableName;
  }

  /** Binds this refresher to the stream with ARN `streamArn` (see the module comment). */
  bindStream(streamArn: string): void {
    this.streamArn = streamArn;
  }

  /** True if `lease` is a single-stream lease that records no other stream than the bound one. */
  isOurs(lease: Lease): boolean {
    if (isMultiStreamKey(lease.leaseKey)) return false;
    return !this.streamArn || lease.streamArn === undefined || lease.streamArn === this.streamArn;
  }

  /** Every item, strongly consistent, across scan pages: leases and non-lease keys. */
  async scanTable(): Promise<LeaseTableScan> {
    const leases: Lease[] = [];
    const others: string[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.dynamodb.send(
        new ScanCommand({
          TableName: this.tableName,
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const lease = readLeaseItem(item);
        if (lease) leases.push(lease);
        else others.push(item.leaseKey?.S ?? '?');
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return { leases, others };
  }

  /** This stream's leases ({@link isOurs}), strongly consistent. */
  async listLeases(): Promise<Lease[]> {
    return (await this.scanTable()).leases.filter((l) => this.isOurs(l));
  }

  /** One lease, strongly consistent; undefined if absent. */
  async getLease(leaseKey: string): Promise<Lease | undefined> {
    const out = await this.dynamodb.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { leaseKey: s(leaseKey) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? readLeaseItem(out.Item) : undefined;
  }

  /** Creates a lease unless one exists for its key; returns whether it was created. */
  async createLeaseIfNotExists(lease: Lease): Promise<boolean> {
    try {
      await this.dynamodb.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toItem(this.streamArn ? { ...lease, streamArn: this.streamArn } : lease),
          ConditionExpression: 'attribute_not_exists(leaseKey)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Heartbeat: increments the counter if the lease is still ours at the counter we hold. */
  renewLease(lease: Lease, owner: string): Promise<Lease> {
    return this.update(lease.leaseKey, 'renew', {
      condition: 'leaseCounter = :c AND leaseOwner = :me',
      update: 'SET leaseCounter = leaseCounter + :one',
      values: { ':c': n(lease.leaseCounter), ':me': s(owner) },
    });
  }

  /**
   * Takes a lease seen at `lease.leaseCounter` (expired, unowned, or handed to us): sets the
   * owner, ends any hand-off, and counts an owner switch when the owner changes.
   */
  takeLease(lease: Lease, owner: string): Promise<Lease> {
    const switched = lease.leaseOwner !== owner ? 1 : 0;
    const stream = this.streamArn;
    return this.update(lease.leaseKey, 'take', {
      condition: `leaseCounter = :c${stream ? ` AND ${OUR_STREAM}` : ''}`,
      update:
        'SET leaseOwner = :me, leaseCounter = leaseCounter + :one, ' +
        'ownerSwitchesSinceCheckpoint = if_not_exists(ownerSwitchesSinceCheckpoint, :zero) + :sw' +
        (stream ? ', shardflowStream = :stream' : '') +
        ' REMOVE checkpointOwner',
      values: {
        ':c': n(lease.leaseCounter),
        ':me': s(owner),
        ':sw': n(switched),
        ':zero': n(0),
        ...(stream ? { ':stream': s(stream) } : {}),
      },
    });
  }

  /**
   * Starts a graceful hand-off (KCL 3.x): `leaseOwner` becomes `to` and `checkpointOwner`
   * the current owner, who finishes in-flight work, checkpoints, then calls
   * {@link completeHandoff}.
   */
  initiateHandoff(lease: Lease, to: string): Promise<Lease> {
    if (lease.leaseOwner === undefined) throw new LeaseLostError(lease.leaseKey, 'handoff');
    return this.update(lease.leaseKey, 'handoff', {
      condition:
        'leaseCounter = :c AND leaseOwner = :from AND attribute_not_exists(checkpointOwner)',
      update:
        'SET leaseOwner = :to, checkpointOwner = :from, leaseCounter = leaseCounter + :one, ' +
        'ownerSwitchesSinceCheckpoint = if_not_exists(ownerSwitchesSinceCheckpoint, :zero) + :one',
      values: {
        ':c': n(lease.leaseCounter),
        ':from': s(lease.leaseOwner),
        ':to': s(to),
        ':zero': n(0),
      },
    });
  }

  /** The previous owner finished a hand-off: clears `checkpointOwner` so the new owner starts. */
  completeHandoff(lease: Lease, previousOwner: string): Promise<Lease> {
    return this.update(lease.leaseKey, 'complete-handoff', {
      condition: 'leaseCounter = :c AND checkpointOwner = :me',
      update: 'SET leaseCounter = leaseCounter + :one REMOVE checkpointOwner',
      values: { ':c': n(lease.leaseCounter), ':me': s(previousOwner) },
    });
  }

  /** Releases a lease we own (KCL `evictLease`), so another worker can take it at once. */
  evictLease(lease: Lease, owner: string): Promise<Lease> {
    return this.update(lease.leaseKey, 'evict', {
      condition: 'leaseCounter = :c AND leaseOwner = :me',
      update: 'SET leaseCounter = leaseCounter + :one REMOVE leaseOwner',
      values: { ':c': n(lease.leaseCounter), ':me': s(owner) },
    });
  }

  /**
   * Writes a checkpoint as `writer` — the owner, or the previous owner during a hand-off —
   * at the counter it holds; resets the owner-switch count. Fails if the lease moved on.
   * `stateRef` (the state snapshot of that checkpoint) is set in the same write, or removed
   * when absent, so a checkpoint never names the snapshot of another position.
   */
  updateCheckpoint(
    lease: Lease,
    writer: string,
    checkpoint: ExtendedSequenceNumber,
    childShardIds: readonly string[] = [],
    stateRef?: string,
  ): Promise<Lease> {
    const handoff = lease.checkpointOwner === writer;
    const children = childShardIds.length > 0;
    const state = stateRef !== undefined;
    return this.update(lease.leaseKey, 'checkpoint', {
      condition: `leaseCounter = :c AND ${handoff ? 'checkpointOwner' : 'leaseOwner'} = :me`,
      update:
        'SET leaseCounter = leaseCounter + :one, checkpoint = :cp, ' +
        'checkpointSubSequenceNumber = :sub, ownerSwitchesSinceCheckpoint = :zero' +
        (children ? ', childShardIds = :children' : '') +
        (state ? ', shardflowState = :state' : '') +
        ' REMOVE pendingCheckpoint, pendingCheckpointSubSequenceNumber, pendingCheckpointState' +
        (state ? '' : ', shardflowState'),
      values: {
        ':c': n(lease.leaseCounter),
        ':me': s(writer),
        ':cp': s(checkpoint.sequenceNumber),
        ':sub': n(checkpoint.subSequenceNumber),
        ':zero': n(0),
        ...(children ? { ':children': { SS: [...childShardIds] } } : {}),
        ...(state ? { ':state': s(stateRef) } : {}),
      },
    });
  }

  /**
   * Deletes a lease (shard gone from the stream, or finished and cleaned up); with
   * `finishedOnly`, only while its checkpoint is `SHARD_END`. Never deletes a non-lease item
   * or a lease of another stream. Returns whether it deleted.
   */
  async deleteLease(leaseKey: string, { finishedOnly = false } = {}): Promise<boolean> {
    const stream = this.streamArn;
    try {
      await this.dynamodb.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { leaseKey: s(leaseKey) },
          ConditionExpression:
            `attribute_exists(leaseKey) AND ${IS_LEASE}` +
            (stream ? ` AND ${OUR_STREAM}` : '') +
            (finishedOnly ? ' AND checkpoint = :end' : ''),
          ExpressionAttributeValues: {
            ':lease': s(LEASE_ENTITY_TYPE),
            ...(stream ? { ':stream': s(stream) } : {}),
            ...(finishedOnly ? { ':end': s(SENTINEL.SHARD_END) } : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async update(
    leaseKey: string,
    operation: string,
    args: { condition: string; update: string; values: Record<string, AttributeValue> },
  ): Promise<Lease> {
    try {
      const out = await this.dynamodb.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: { leaseKey: s(leaseKey) },
          ConditionExpression: `attribute_exists(leaseKey) AND ${IS_LEASE} AND ${args.condition}`,
          UpdateExpression: args.update,
          ExpressionAttributeValues: {
            ':one': n(1),
            ':lease': s(LEASE_ENTITY_TYPE),
            ...args.values,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return fromItem(out.Attributes as LeaseItem);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new LeaseLostError(leaseKey, operation);
      }
      throw error;
    }
  }
}
