/**
 * @module deploy/delivery
 * The Firehose delivery streams into the lake: the raw archive (reading the Kinesis stream)
 * and the results and dead-letter streams (written by the worker with `PutRecordBatch`),
 * with the prefixes, error prefixes, buffering and compression of `resourcesFor(config)` —
 * the key layout the pipelines and `replay` read. Each delivery stream has its own role
 * that may write only under its own prefixes, read only its own source stream, and use
 * the lake key only through S3 (or Kinesis) for that bucket.
 */
import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { DeliveryStreamResource } from '../core/index.js';
import type { DataPlane } from './data-plane.js';

/** Options of {@link DeliveryStreams}. */
export interface DeliveryStreamsProps {
  readonly data: DataPlane;
  readonly definitions: readonly DeliveryStreamResource[];
  readonly logRetentionDays: number;
  readonly retainLogs: boolean;
}

/** The log stream Firehose writes delivery errors to, per delivery stream. */
export const DELIVERY_LOG_STREAM = 'DestinationDelivery';

/** One delivery stream per definition, keyed by role. */
export class DeliveryStreams extends Construct {
  /** Delivery streams by role: `raw`, `results`, `deadLetters`. */
  readonly streams: Readonly<
    Partial<Record<DeliveryStreamResource['role'], firehose.CfnDeliveryStream>>
  >;

  constructor(scope: Construct, id: string, props: DeliveryStreamsProps) {
    super(scope, id);
    const streams: Partial<Record<DeliveryStreamResource['role'], firehose.CfnDeliveryStream>> = {};
    for (const def of props.definitions) streams[def.role] = this.deliveryStream(def, props);
    this.streams = streams;
  }

  private deliveryStream(
    def: DeliveryStreamResource,
    props: DeliveryStreamsProps,
  ): firehose.CfnDeliveryStream {
    const { data } = props;
    const logGroup = new logs.LogGroup(this, `Logs-${def.role}`, {
      logGroupName: `/aws/kinesisfirehose/${def.name}`,
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: props.retainLogs ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const logStream = logGroup.addStream(`Stream-${def.role}`, {
      logStreamName: DELIVERY_LOG_STREAM,
    });
    const role = new iam.Role(this, `Role-${def.role}`, {
      assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com', {
        conditions: { StringEquals: { 'sts:ExternalId': Aws.ACCOUNT_ID } },
      }),
      description: `Firehose ${def.name}: ${def.prefix} in the lake only`,
    });
    const bucket = data.bucket;
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'LakeBucket',
        actions: ['s3:GetBucketLocation', 's3:ListBucket', 's3:ListBucketMultipartUploads'],
        resources: [bucket.bucketArn],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'LakeObjectsUnderPrefix',
        actions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
        resources: [
          bucket.arnForObjects(`${def.prefix}*`),
          bucket.arnForObjects(`${def.errorOutputPrefix}*`),
        ],
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'LakeKeyViaS3',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [data.key.keyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` },
          StringLike: { 'kms:EncryptionContext:aws:s3:arn': `${bucket.bucketArn}/*` },
        },
      }),
    );
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DeliveryErrorLogs',
        actions: ['logs:PutLogEvents'],
        resources: [
          `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:${logGroup.logGroupName}:log-stream:${DELIVERY_LOG_STREAM}`,
        ],
      }),
    );
    let source: firehose.CfnDeliveryStream.KinesisStreamSourceConfigurationProperty | undefined;
    if (def.sourceStream) {
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'ReadSourceStream',
          actions: [
            'kinesis:DescribeStream',
            'kinesis:DescribeStreamSummary',
            'kinesis:GetShardIterator',
            'kinesis:GetRecords',
            'kinesis:ListShards',
          ],
          resources: [data.stream.streamArn],
        }),
      );
      role.addToPolicy(
        new iam.PolicyStatement({
          sid: 'StreamKeyViaKinesis',
          actions: ['kms:Decrypt'],
          resources: [data.key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `kinesis.${Aws.REGION}.amazonaws.com` } },
        }),
      );
      source = { kinesisStreamArn: data.stream.streamArn, roleArn: role.roleArn };
    }
    const stream = new firehose.CfnDeliveryStream(this, `DeliveryStream-${def.role}`, {
      deliveryStreamName: def.name,
      deliveryStreamType: source ? 'KinesisStreamAsSource' : 'DirectPut',
      kinesisStreamSourceConfiguration: source,
      // Server-side encryption of buffered data exists only for Direct PUT streams; the
      // Kinesis-sourced raw archive is covered by the stream's own KMS encryption.
      deliveryStreamEncryptionConfigurationInput: source ? undefined : { keyType: 'AWS_OWNED_CMK' },
      extendedS3DestinationConfiguration: {
        bucketArn: bucket.bucketArn,
        roleArn: role.roleArn,
        prefix: def.prefix,
        errorOutputPrefix: def.errorOutputPrefix,
        bufferingHints: { intervalInSeconds: def.bufferingSeconds, sizeInMBs: def.bufferingMiB },
        compressionFormat: def.gzip ? 'GZIP' : 'UNCOMPRESSED',
        encryptionConfiguration: { kmsEncryptionConfig: { awskmsKeyArn: data.key.keyArn } },
        cloudWatchLoggingOptions: {
          enabled: true,
          logGroupName: logGroup.logGroupName,
          logStreamName: logStream.logStreamName,
        },
      },
    });
    // The role's policy must exist before Firehose validates access at creation.
    stream.node.addDependency(role);
    return stream;
  }
}
