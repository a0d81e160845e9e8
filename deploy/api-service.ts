/**
 * @module deploy/api-service
 * The query API, live dashboard and HTTP ingest (`shardflow api`) as an ECS Fargate service
 * behind an internet-facing Application Load Balancer that speaks HTTPS only (TLS 1.2+, an
 * ACM certificate; port 80 redirects). The `x-api-key` lives in Secrets Manager and reaches
 * the container as `SHARDFLOW_API_KEY` (only the task's execution role may read it). The task
 * role may only read: query/get the readings, predictions and anomalies tables (scan the
 * anomalies for the all-devices view), scan the lease table (stream health), list and get the
 * lake's `dead-letters/` objects — and, for the ingest, put records on the stream. Settings
 * come from the environment's `api` entry in `cdk.json` (absent: no API service).
 */
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as ecsPatterns from 'aws-cdk-lib/aws-ecs-patterns';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { z } from 'zod';
import { ConfigError, ENV_VARS, type Config } from '../core/index.js';
import type { DataPlane } from './data-plane.js';
import { CONTEXT_KEYS, type ContextReader, type DeploySettings } from './settings.js';

/** The API container's command (the image's own CMD). */
export const API_COMMAND = [
  'node',
  'dist/cli/cli.js',
  'api',
  '--host',
  '0.0.0.0',
  '--port',
  '8080',
];
/** Port the API listens on inside the task. */
export const API_PORT = 8080;
/** Lake prefix of the dead-letter objects the API counts. */
const DEAD_LETTER_PREFIX = 'dead-letters/';

/** Schema of an environment's `api` entry. */
export const apiSettingsSchema = z.object({
  /** ACM certificate of the load balancer's HTTPS listener (same region). */
  certificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/),
  /** `asset` builds `deploy/docker/api.Dockerfile` at deploy time; or an image URI. */
  image: z.string().min(1).default('asset'),
  cpu: z.union([z.literal(256), z.literal(512), z.literal(1024)]).default(256),
  memoryMiB: z.number().int().min(512).max(8192).default(512),
  tasks: z.number().int().min(1).max(10).default(1),
  /** CIDR allowed to reach the load balancer; default everyone (the API key guards the data). */
  allowFrom: z.string().default('0.0.0.0/0'),
});

/** The resolved `api` settings. */
export type ApiSettings = z.infer<typeof apiSettingsSchema>;

/** The selected environment's `api` settings, or undefined when it has none. */
export function apiSettingsFrom(context: ContextReader, envName: string): ApiSettings | undefined {
  const table = context(CONTEXT_KEYS.environments) as Record<string, { api?: unknown }> | undefined;
  const raw = table?.[envName]?.api;
  if (raw === undefined) return undefined;
  const parsed = apiSettingsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ConfigError(
    [CONTEXT_KEYS.environments, envName, 'api', ...(issue?.path.map(String) ?? [])].join('.'),
    issue?.message ?? 'invalid',
  );
}

/** Configuration fields the API reads: names of what it queries and where the ingest puts. */
const API_FIELDS = [
  'region',
  'app',
  'streamName',
  'leaseTableName',
  'anomaliesTableName',
  'predictionsTableName',
  'readingsTableName',
  'bucketName',
  'logLevel',
] as const satisfies readonly (keyof typeof ENV_VARS)[];

/** The API container's environment (`loadConfig(process.env)` reads it), key excluded. */
export function apiEnvironment(config: Config): Record<string, string> {
  return Object.fromEntries(API_FIELDS.map((f) => [ENV_VARS[f], String(config[f])]));
}

/** Options of {@link ApiService}. */
export interface ApiServiceProps {
  readonly settings: DeploySettings;
  readonly api: ApiSettings;
  readonly data: DataPlane;
  /** The cluster (and so VPC) the workers run in. */
  readonly cluster: ecs.ICluster;
  /** Repository root: the Docker build context of the image asset. */
  readonly contextDirectory: string;
}

/** The API's permissions, statement by statement (exported for review and tests). */
export function apiStatements(data: DataPlane): iam.PolicyStatement[] {
  const { tables, bucket, stream, key } = data;
  return [
    new iam.PolicyStatement({
      sid: 'QueryResults',
      actions: ['dynamodb:GetItem', 'dynamodb:Query'],
      resources: [tables.readings.tableArn, tables.predictions.tableArn, tables.anomalies.tableArn],
    }),
    new iam.PolicyStatement({
      sid: 'ScanAnomaliesAndLeases',
      actions: ['dynamodb:Scan'],
      resources: [tables.anomalies.tableArn, tables.leases.tableArn],
    }),
    new iam.PolicyStatement({
      sid: 'ListDeadLetters',
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': [`${DEAD_LETTER_PREFIX}*`] } },
    }),
    new iam.PolicyStatement({
      sid: 'ReadDeadLetters',
      actions: ['s3:GetObject'],
      resources: [bucket.arnForObjects(`${DEAD_LETTER_PREFIX}*`)],
    }),
    new iam.PolicyStatement({
      sid: 'LakeKeyViaS3',
      actions: ['kms:Decrypt'],
      resources: [key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
    }),
    new iam.PolicyStatement({
      sid: 'IngestToStream',
      actions: ['kinesis:ListShards', 'kinesis:PutRecord', 'kinesis:PutRecords'],
      resources: [stream.streamArn],
    }),
    new iam.PolicyStatement({
      sid: 'StreamKeyViaKinesis',
      actions: ['kms:GenerateDataKey'],
      resources: [key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `kinesis.${Aws.REGION}.amazonaws.com` } },
    }),
  ];
}

/** The API service, its load balancer, key secret and task role. */
export class ApiService extends Construct {
  readonly service: ecsPatterns.ApplicationLoadBalancedFargateService;
  readonly apiKey: secretsmanager.Secret;
  readonly taskRole: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiServiceProps) {
    super(scope, id);
    const { settings, api, data, cluster } = props;
    const { config } = settings;
    if (settings.worker.subnets === 'private')
      throw new ConfigError(
        'api',
        'the API needs public subnets for its load balancer: use worker.subnets "public"',
      );
    const removalPolicy = settings.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.apiKey = new secretsmanager.Secret(this, 'ApiKey', {
      secretName: `${config.app}/api-key`,
      description: `${config.app}: x-api-key of the query API and ingest`,
      generateSecretString: { passwordLength: 40, excludePunctuation: true },
      removalPolicy,
    });
    this.taskRole = new iam.Role(this, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: `${config.app} api: read results, leases and dead letters; put on the stream`,
    });
    for (const statement of apiStatements(data)) this.taskRole.addToPolicy(statement);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/${config.app}/api`,
      retention: settings.worker.logRetentionDays as logs.RetentionDays,
      removalPolicy,
    });
    const securityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc: cluster.vpc,
      description: `${config.app} api: from the load balancer only; HTTPS out`,
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'AWS APIs over HTTPS');
    const environment = apiEnvironment(config);

    this.service = new ecsPatterns.ApplicationLoadBalancedFargateService(this, 'Service', {
      cluster,
      serviceName: `${config.app}-api`,
      cpu: api.cpu,
      memoryLimitMiB: api.memoryMiB,
      desiredCount: api.tasks,
      publicLoadBalancer: true,
      openListener: false,
      assignPublicIp: true,
      taskSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroups: [securityGroup],
      protocol: elbv2.ApplicationProtocol.HTTPS,
      certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', api.certificateArn),
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
      redirectHTTP: true,
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
      taskImageOptions: {
        image: this.image(api.image, props.contextDirectory),
        containerName: 'api',
        containerPort: API_PORT,
        command: API_COMMAND,
        family: `${config.app}-api`,
        taskRole: this.taskRole,
        environment,
        secrets: { SHARDFLOW_API_KEY: ecs.Secret.fromSecretsManager(this.apiKey) },
        logDriver: ecs.LogDrivers.awsLogs({ streamPrefix: 'api', logGroup: this.logGroup }),
      },
    });
    const lb = this.service.loadBalancer;
    for (const port of [80, 443])
      lb.connections.allowFrom(ec2.Peer.ipv4(api.allowFrom), ec2.Port.tcp(port), 'clients');
    lb.setAttribute('routing.http.drop_invalid_header_fields.enabled', 'true');
    // server-sent events stay open: a heartbeat every second keeps them under the idle timeout
    lb.setAttribute('idle_timeout.timeout_seconds', '120');
    this.service.targetGroup.configureHealthCheck({
      path: '/healthz',
      healthyHttpCodes: '200',
      interval: Duration.seconds(15),
    });
    this.service.targetGroup.setAttribute('deregistration_delay.timeout_seconds', '15');
  }

  private image(image: string, contextDirectory: string): ecs.ContainerImage {
    if (image === 'asset')
      return ecs.ContainerImage.fromAsset(contextDirectory, {
        file: 'deploy/docker/api.Dockerfile',
        platform: ecrAssets.Platform.LINUX_AMD64,
      });
    return ecs.ContainerImage.fromRegistry(image);
  }
}
