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
import { isRetriableAwsError } from '../adapters/index.js';
import { ShardflowError, retry } from '../core/index.js';

/** Creates the table `tableName` unless it exists; resolves once it is ACTIVE. */
export async function createLeaseTable(
  dynamodb: DynamoDBClient,
  tableName: string,
  timeoutMs = 30_000,
): Promise<void> {
  // on a worker's start-up path: a throttle or 5xx is retried, never the end of the worker
  // (ResourceInUseException, retriable elsewhere, here says the table exists)
  const again = {
    shouldRetry: (e: unknown) => !(e instanceof ResourceInUseException) && isRetriableAwsError(e),
  };
  try {
    await retry(
      () =>
        dynamodb.send(
          new CreateTableCommand({
            TableName: tableName,
            AttributeDefinitions: [{ AttributeName: 'leaseKey', AttributeType: 'S' }],
            KeySchema: [{ AttributeName: 'leaseKey', KeyType: 'HASH' }],
            BillingMode: 'PAY_PER_REQUEST',
          }),
        ),
      again,
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await retry(
      () => dynamodb.send(new DescribeTableCommand({ TableName: tableName })),
      again,
    );
    if (d.Table?.TableStatus === 'ACTIVE') return;
    if (Date.now() > deadline) throw new ShardflowError('LEASE_TABLE', `${tableName} not ACTIVE`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
