/**
 * @module localstack/firehose/bootstrap-delivery-streams
 * Creates the application's Firehose delivery streams (from `resourcesFor`) idempotently:
 * extended S3 destination into the lake bucket with each stream's prefix, error prefix,
 * buffering hints and compression, and for the raw archive the application stream as
 * source (its ARN read from Kinesis, so the account id is whatever the endpoint uses).
 * Used by `bootstrapResources` when a Firehose endpoint is configured (embedded cloud,
 * LocalStack). Invariant: an existing delivery stream is left untouched.
 */
import {
  CreateDeliveryStreamCommand,
  DescribeDeliveryStreamCommand,
  ResourceInUseException,
} from '@aws-sdk/client-firehose';
import { DescribeStreamSummaryCommand } from '@aws-sdk/client-kinesis';
import { ShardflowError, type DeliveryStreamResource } from '../../core/index.js';
import type { AwsClients } from '../../adapters/index.js';

/** Creates one delivery stream unless it exists; returns true if it created it. */
export async function createDeliveryStream(
  clients: AwsClients,
  stream: DeliveryStreamResource,
  bucket: string,
  timeoutMs = 30_000,
): Promise<boolean> {
  let sourceArn: string | undefined;
  if (stream.sourceStream) {
    const summary = await clients.kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: stream.sourceStream }),
    );
    sourceArn = summary.StreamDescriptionSummary?.StreamARN;
    if (!sourceArn)
      throw new ShardflowError('STREAM_NOT_FOUND', `no ARN for stream ${stream.sourceStream}`);
  }
  const account = sourceArn?.split(':')[4] || '000000000000';
  const role = `arn:aws:iam::${account}:role/${stream.name}-delivery`;
  let created = true;
  try {
    await clients.firehose.send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: stream.name,
        DeliveryStreamType: sourceArn ? 'KinesisStreamAsSource' : 'DirectPut',
        ...(sourceArn
          ? { KinesisStreamSourceConfiguration: { KinesisStreamARN: sourceArn, RoleARN: role } }
          : {}),
        ExtendedS3DestinationConfiguration: {
          RoleARN: role,
          BucketARN: `arn:aws:s3:::${bucket}`,
          Prefix: stream.prefix,
          ErrorOutputPrefix: stream.errorOutputPrefix,
          BufferingHints: {
            SizeInMBs: stream.bufferingMiB,
            IntervalInSeconds: stream.bufferingSeconds,
          },
          CompressionFormat: stream.gzip ? 'GZIP' : 'UNCOMPRESSED',
        },
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    created = false;
  }
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const out = await clients.firehose.send(
      new DescribeDeliveryStreamCommand({ DeliveryStreamName: stream.name }),
    );
    if (out.DeliveryStreamDescription?.DeliveryStreamStatus === 'ACTIVE') return created;
    if (Date.now() > deadline)
      throw new ShardflowError(
        'DELIVERY_STREAM_NOT_ACTIVE',
        `delivery stream ${stream.name} not ACTIVE after ${timeoutMs} ms`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}
