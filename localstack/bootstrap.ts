/**
 * @module localstack/bootstrap
 * Creates the resources of {@link resourcesFor} idempotently: running it twice, or on an
 * account where some exist, changes nothing that exists. Used by the embedded local
 * cloud, `make up` (LocalStack) and tests. Services without an endpoint in the given
 * clients' configuration can be skipped (e.g. Firehose before its emulator exists).
 */
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  ResourceInUseException as KinesisInUse,
  ResourceNotFoundException as KinesisNotFound,
} from '@aws-sdk/client-kinesis';
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException as TableInUse,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand } from '@aws-sdk/client-s3';
import { ShardflowError, type Resources, type TableResource } from '../core/index.js';
import type { AwsClients } from '../adapters/index.js';
import { createDeliveryStream } from './firehose/bootstrap-delivery-streams.js';

/** What a bootstrap run did, per resource. */
export interface BootstrapReport {
  readonly created: string[];
  readonly existing: string[];
  readonly skipped: string[];
}

/** Options of {@link bootstrapResources}. */
export interface BootstrapOptions {
  /** Create Firehose delivery streams (needs a Firehose endpoint). */
  readonly deliveryStreams?: boolean;
  /** Gives up waiting for a stream to become ACTIVE after this long. */
  readonly timeoutMs?: number;
}

/** Creates every resource that does not exist yet. */
export async function bootstrapResources(
  clients: AwsClients,
  resources: Resources,
  options: BootstrapOptions = {},
): Promise<BootstrapReport> {
  const report: BootstrapReport = { created: [], existing: [], skipped: [] };
  const { timeoutMs = 30_000 } = options;
  for (const stream of resources.streams) {
    try {
      await clients.kinesis.send(
        new CreateStreamCommand({ StreamName: stream.name, ShardCount: stream.shardCount }),
      );
      report.created.push(`stream:${stream.name}`);
    } catch (error) {
      if (!(error instanceof KinesisInUse)) throw error;
      report.existing.push(`stream:${stream.name}`);
    }
    await waitStreamActive(clients, stream.name, timeoutMs);
  }
  for (const table of resources.tables) {
    const made = await createTable(clients, table);
    (made ? report.created : report.existing).push(`table:${table.name}`);
  }
  for (const bucket of resources.buckets) {
    try {
      await clients.s3.send(new HeadBucketCommand({ Bucket: bucket }));
      report.existing.push(`bucket:${bucket}`);
    } catch {
      await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
      report.created.push(`bucket:${bucket}`);
    }
  }
  if (!options.deliveryStreams) {
    for (const d of resources.deliveryStreams) report.skipped.push(`deliveryStream:${d.name}`);
  } else {
    for (const d of resources.deliveryStreams) {
      const made = await createDeliveryStream(clients, d, resources.buckets[0] ?? '', timeoutMs);
      (made ? report.created : report.existing).push(`deliveryStream:${d.name}`);
    }
  }
  return report;
}

/**
 * `resources` without the raw archive's delivery stream — the Firehose that reads every shard
 * of the application stream as one more consumer — as the local pipeline runs (dev, tests,
 * benches, chaos) create them.
 */
export function withoutRawArchive(resources: Resources): Resources {
  return {
    ...resources,
    deliveryStreams: resources.deliveryStreams.filter((d) => d.role !== 'raw'),
  };
}

/** Waits until a stream is ACTIVE (a stream not found yet counts as not ACTIVE yet). */
export async function waitStreamActive(
  clients: Pick<AwsClients, 'kinesis'>,
  name: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const out = await clients.kinesis.send(
        new DescribeStreamSummaryCommand({ StreamName: name }),
      );
      if (out.StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    } catch (error) {
      if (!(error instanceof KinesisNotFound)) throw error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new ShardflowError('STREAM_NOT_ACTIVE', `stream ${name} not ACTIVE after ${timeoutMs} ms`);
}

async function createTable(clients: AwsClients, table: TableResource): Promise<boolean> {
  const keys: KeySchemaElement[] = [{ AttributeName: table.partitionKey, KeyType: 'HASH' }];
  const attributes: AttributeDefinition[] = [
    { AttributeName: table.partitionKey, AttributeType: 'S' },
  ];
  if (table.sortKey) {
    keys.push({ AttributeName: table.sortKey, KeyType: 'RANGE' });
    attributes.push({ AttributeName: table.sortKey, AttributeType: 'S' });
  }
  let created = true;
  try {
    await clients.dynamodb.send(
      new CreateTableCommand({
        TableName: table.name,
        KeySchema: keys,
        AttributeDefinitions: attributes,
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if (!(error instanceof TableInUse)) throw error;
    created = false;
  }
  for (let i = 0; i < 300; i += 1) {
    const out = await clients.dynamodb.send(new DescribeTableCommand({ TableName: table.name }));
    if (out.Table?.TableStatus === 'ACTIVE') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  if (created && table.ttlAttribute) {
    try {
      await clients.dynamodb.send(
        new UpdateTimeToLiveCommand({
          TableName: table.name,
          TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
        }),
      );
    } catch (error) {
      // dynalite has no UpdateTimeToLive (EMULATORS.md); TTL is an optimisation, not a contract.
      const name = (error as { name?: string }).name ?? '';
      if (!/UnknownOperation|NotImplemented|UnrecognizedClient|ValidationException/.test(name))
        throw error;
    }
  }
  return created;
}
