/**
 * @module deploy/data-plane
 * The stateful resources: one customer-managed KMS key (rotated yearly), the Kinesis stream
 * encrypted with it, the lease and results tables (on demand, point-in-time recovery,
 * KMS-encrypted at rest, TTL on results) and the lake bucket (SSE-KMS with a bucket key,
 * public access blocked, TLS-only policy, lifecycle to cheaper storage classes). Names and
 * key schemas are taken verbatim from `resourcesFor(config)`, the source of truth shared
 * with the local cloud; this construct never invents a name.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ConfigError, type Resources, type TableResource } from '../core/index.js';
import type { DeploySettings } from './settings.js';

/** Options of {@link DataPlane}. */
export interface DataPlaneProps {
  readonly settings: DeploySettings;
  readonly resources: Resources;
}

/** The key, stream, tables and bucket of one environment. */
export class DataPlane extends Construct {
  /** Encrypts the stream, the lake bucket and the alarm topic. */
  readonly key: kms.Key;
  readonly stream: kinesis.Stream;
  /** Tables by role: `leases`, `anomalies`, `predictions`, `readings`. */
  readonly tables: Readonly<Record<TableResource['role'], dynamodb.Table>>;
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: DataPlaneProps) {
    super(scope, id);
    const { settings, resources } = props;
    const removalPolicy = settings.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const [streamDef] = resources.streams;
    const bucketName = resources.buckets[0];
    if (!streamDef || !bucketName || resources.streams.length !== 1) {
      throw new ConfigError('resources', 'expected exactly one stream and one bucket');
    }

    this.key = new kms.Key(this, 'Key', {
      alias: `alias/${settings.config.app}`,
      description: `${settings.config.app}: stream, lake and alarm topic encryption`,
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow: Duration.days(7),
    });

    const onDemand = settings.stream.mode === 'on-demand';
    this.stream = new kinesis.Stream(this, 'Stream', {
      streamName: streamDef.name,
      streamMode: onDemand ? kinesis.StreamMode.ON_DEMAND : kinesis.StreamMode.PROVISIONED,
      shardCount: onDemand ? undefined : streamDef.shardCount,
      retentionPeriod: Duration.hours(settings.stream.retentionHours),
      encryption: kinesis.StreamEncryption.KMS,
      encryptionKey: this.key,
      removalPolicy,
    });

    const table = (def: TableResource) => {
      const t = new dynamodb.Table(this, `Table-${def.role}`, {
        tableName: def.name,
        partitionKey: { name: def.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: def.sortKey
          ? { name: def.sortKey, type: dynamodb.AttributeType.STRING }
          : undefined,
        timeToLiveAttribute: def.ttlAttribute,
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        encryption: dynamodb.TableEncryption.AWS_MANAGED,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: settings.retainData,
        removalPolicy,
      });
      return [def.role, t] as const;
    };
    const byRole = Object.fromEntries(resources.tables.map(table));
    const { leases, anomalies, predictions, readings } = byRole;
    if (!leases || !anomalies || !predictions || !readings) {
      throw new ConfigError(
        'resources',
        'expected lease, anomalies, predictions and readings tables',
      );
    }
    this.tables = { leases, anomalies, predictions, readings };

    const { lake } = settings;
    this.bucket = new s3.Bucket(this, 'Lake', {
      bucketName,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      // A non-empty bucket cannot be deleted by CloudFormation: keep it, empty it by hand.
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
        ...resources.deliveryStreams
          .filter((d) => d.role !== 'deadLetters')
          .map((d) => ({
            id: `tier-${d.role}`,
            prefix: d.prefix,
            transitions: [
              {
                storageClass: s3.StorageClass.INFREQUENT_ACCESS,
                transitionAfter: Duration.days(lake.infrequentAccessAfterDays),
              },
              {
                storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
                transitionAfter: Duration.days(lake.glacierAfterDays),
              },
            ],
          })),
        ...resources.deliveryStreams
          .filter((d) => d.role === 'deadLetters')
          .map((d) => ({
            id: 'expire-dead-letters',
            prefix: d.prefix,
            expiration: Duration.days(lake.deadLetterExpiryDays),
          })),
        { id: 'expire-delivery-errors', prefix: 'errors/', expiration: Duration.days(30) },
      ],
    });
  }
}
