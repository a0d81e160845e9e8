/**
 * @module consumers/lease-table
 * Creates a lease table with the KCL's key schema (hash key `leaseKey`, string), on demand,
 * unless it exists, and waits until it is ACTIVE. Idempotent: racing workers all succeed.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { ShardflowError } from '../core/index.js';

/** Creates the table `tableName` unless it exists; resolves once it is ACTIVE. */
export async function createLeaseTable(
  dynamodb: DynamoDBClient,
  tableName: string,
  timeoutMs = 30_000,
): Promise<void> {
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: 'leaseKey', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'leaseKey', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
    if (d.Table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline) throw new ShardflowError('LEASE_TABLE', `${tableName} not ACTIVE`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
