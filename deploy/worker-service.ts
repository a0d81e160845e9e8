/**
 * @module deploy/worker-service
 * The consumer workers as an ECS Fargate service: `node dist/cli/cli.js consume --pipeline
 * both` in the worker image (the devices and households pipelines, scoring households on the
 * RCF endpoint when the stack deploys one), read-only root file system, configured only
 * through the environment variables `loadConfig` reads,
 * health-checked on `/healthz`, stopped with a timeout that covers the worker's drain
 * deadline (SIGTERM → drain, checkpoint, release leases → exit), and scaled on the stream's
 * iterator age and on CPU. The task role holds exactly the permissions the worker needs:
 * read this stream (polling or enhanced fan-out), use this lease table, write these result
 * tables and delivery streams, invoke these endpoints — every statement on named ARNs.
 * Network: public subnets without NAT (`worker.subnets: public`), or isolated subnets with
 * VPC endpoints for every AWS API the worker calls and no route to the internet (`private`).
 */
import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { DataPlane } from './data-plane.js';
import type { DeployedEndpoint } from './inference.js';
import { deployedEndpoints, workerEnvironment, type DeploySettings } from './settings.js';

/** Options of {@link WorkerService}. */
export interface WorkerServiceProps {
  readonly settings: DeploySettings;
  readonly data: DataPlane;
  /** Delivery streams the worker writes (results, dead letters) — not the raw archive. */
  readonly deliveryStreamNames: readonly string[];
  readonly endpoints: readonly DeployedEndpoint[];
  /** Repository root: the Docker build context of the worker image asset. */
  readonly contextDirectory: string;
}

/** The worker's command inside its image (the image's own CMD): run both pipelines. */
export const WORKER_COMMAND = ['node', 'dist/cli/cli.js', 'consume', '--pipeline', 'both'];

/**
 * The worker's command for an environment: {@link WORKER_COMMAND}, scoring households on
 * the deployed RCF endpoint (`--remote-rcf`) when there is one, and forecasting with the
 * models the weekly retraining writes to the lake bucket (`--models s3://<bucket>/models`,
 * reloaded without a restart; the image's shipped model until the first retraining).
 */
export function workerCommand(settings: Pick<DeploySettings, 'inference' | 'config'>): string[] {
  return [
    ...WORKER_COMMAND,
    ...(deployedEndpoints(settings).rcf ? ['--remote-rcf'] : []),
    '--models',
    `s3://${settings.config.bucketName}/models`,
  ];
}

/** The AWS APIs the worker calls, as interface endpoints (private subnets only). */
export function interfaceEndpointServices(
  withSageMaker: boolean,
): readonly ec2.InterfaceVpcEndpointAwsService[] {
  return [
    ec2.InterfaceVpcEndpointAwsService.KINESIS_STREAMS,
    ec2.InterfaceVpcEndpointAwsService.KINESIS_FIREHOSE,
    ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
    ec2.InterfaceVpcEndpointAwsService.ECR,
    ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
    ...(withSageMaker ? [ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_RUNTIME] : []),
  ];
}

/**
 * The container command ECS runs: {@link WORKER_COMMAND} with a lease-owner id unique to
 * this task start (`<host name>-<random UUID>`, as KCL's default worker id), exported as
 * `SHARDFLOW_WORKER_ID`. Two tasks must never share an id, and Fargate's host name alone is
 * not a documented guarantee. `exec` replaces the shell, so node stays tini's direct child
 * and receives SIGTERM itself.
 */
export function workerShellCommand(command: readonly string[] = WORKER_COMMAND): string[] {
  const quoted = command.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return [
    'sh',
    '-c',
    'export SHARDFLOW_WORKER_ID="${HOSTNAME:-worker}-$(cat /proc/sys/kernel/random/uuid)"; ' +
      `exec ${quoted}`,
  ];
}

/** The Fargate service, its task role and its scaling. */
export class WorkerService extends Construct {
  readonly service: ecs.FargateService;
  readonly taskRole: iam.Role;
  readonly logGroup: logs.LogGroup;
  /** The worker image (the retraining task runs its CLI too). */
  readonly containerImage: ecs.ContainerImage;

  constructor(scope: Construct, id: string, props: WorkerServiceProps) {
    super(scope, id);
    const { settings, data } = props;
    const { config, worker } = settings;

    // public: tasks reach AWS APIs over HTTPS through their public IP, no NAT gateway.
    // private: isolated subnets, no route to the internet at all; every API the worker calls
    // has a VPC endpoint. Either way tasks accept no inbound traffic, and DynamoDB and S3
    // (also the image layers) go through free gateway endpoints.
    const isPrivate = worker.subnets === 'private';
    const subnetType = isPrivate ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PUBLIC;
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      restrictDefaultSecurityGroup: false,
      subnetConfiguration: [{ name: worker.subnets, subnetType, cidrMask: 24 }],
      gatewayEndpoints: {
        DynamoDb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB, subnets: [{ subnetType }] },
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [{ subnetType }] },
      },
    });
    if (isPrivate) {
      for (const service of interfaceEndpointServices(props.endpoints.length > 0)) {
        vpc.addInterfaceEndpoint(`Endpoint-${service.shortName}`, {
          service,
          subnets: { subnetType },
          privateDnsEnabled: true,
        });
      }
    }
    const securityGroup = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc,
      description: `${config.app} workers: HTTPS out only`,
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'AWS APIs over HTTPS');
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc, clusterName: config.app });

    this.taskRole = new iam.Role(this, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: `${config.app} worker: this stream, these tables, delivery streams, endpoints`,
    });
    for (const statement of workerStatements(props)) this.taskRole.addToPolicy(statement);

    const taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      family: `${config.app}-worker`,
      cpu: worker.cpu,
      memoryLimitMiB: worker.memoryMiB,
      taskRole: this.taskRole,
      runtimePlatform: {
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/${config.app}/worker`,
      retention: worker.logRetentionDays as logs.RetentionDays,
      removalPolicy: settings.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const port = config.httpPort;
    this.containerImage = this.image(worker.image, props.contextDirectory);
    taskDefinition.addContainer('worker', {
      image: this.containerImage,
      command: workerShellCommand(workerCommand(settings)),
      environment: workerEnvironment(config, deployedEndpoints(settings)),
      // nothing in the worker writes to disk: logs go to stdout, state to S3 and DynamoDB
      readonlyRootFilesystem: true,
      portMappings: [{ containerPort: port, name: 'http' }],
      healthCheck: {
        command: [
          'CMD',
          'node',
          '-e',
          `fetch('http://127.0.0.1:${port}/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`,
        ],
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(30),
      },
      stopTimeout: Duration.seconds(settings.stopTimeoutSeconds),
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'worker', logGroup: this.logGroup }),
    });

    this.service = new ecs.FargateService(this, 'Service', {
      cluster,
      serviceName: `${config.app}-worker`,
      taskDefinition,
      desiredCount: worker.minTasks,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      assignPublicIp: !isPrivate,
      securityGroups: [securityGroup],
      vpcSubnets: { subnetType },
    });

    const scaling = this.service.autoScaleTaskCount({
      minCapacity: worker.minTasks,
      maxCapacity: worker.maxTasks,
    });
    scaling.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: worker.cpuTargetPercent,
      scaleInCooldown: Duration.minutes(5),
      scaleOutCooldown: Duration.minutes(2),
    });
    scaling.scaleOnMetric('IteratorAge', {
      metric: iteratorAgeMetric(data, Duration.minutes(1)),
      adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      scalingSteps: [
        { upper: worker.scaleInIteratorAgeMs, change: -1 },
        { lower: worker.scaleOutIteratorAgeMs, change: +1 },
        { lower: worker.scaleOutIteratorAgeMs * 5, change: +2 },
      ],
      evaluationPeriods: 3,
      cooldown: Duration.minutes(3),
    });
  }

  private image(image: string, contextDirectory: string): ecs.ContainerImage {
    if (image === 'asset') {
      return ecs.ContainerImage.fromAsset(contextDirectory, {
        file: 'deploy/docker/worker.Dockerfile',
        platform: ecrAssets.Platform.LINUX_AMD64,
      });
    }
    const ecrImage =
      /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)[:@](.+)$/.exec(image);
    if (!ecrImage) return ecs.ContainerImage.fromRegistry(image);
    const [, account, region, name, tag] = ecrImage as unknown as [
      string,
      string,
      string,
      string,
      string,
    ];
    const repository = ecr.Repository.fromRepositoryAttributes(this, 'WorkerRepository', {
      repositoryName: name,
      repositoryArn: `arn:${Aws.PARTITION}:ecr:${region}:${account}:repository/${name}`,
    });
    return ecs.ContainerImage.fromEcrRepository(repository, tag);
  }
}

/** The stream's `GetRecords.IteratorAgeMilliseconds`, maximum over all shards. */
export function iteratorAgeMetric(data: DataPlane, period: Duration): cloudwatch.Metric {
  return data.stream.metricGetRecordsIteratorAgeMilliseconds({ statistic: 'Maximum', period });
}

/** The worker's permissions, statement by statement (exported for review and tests). */
export function workerStatements(props: WorkerServiceProps): iam.PolicyStatement[] {
  const { data, endpoints } = props;
  const streamArn = data.stream.streamArn;
  const deliveryArn = (name: string) =>
    `arn:${Aws.PARTITION}:firehose:${Aws.REGION}:${Aws.ACCOUNT_ID}:deliverystream/${name}`;
  const statements = [
    new iam.PolicyStatement({
      sid: 'ReadStream',
      actions: [
        'kinesis:DescribeStream',
        'kinesis:DescribeStreamSummary',
        'kinesis:GetRecords',
        'kinesis:GetShardIterator',
        'kinesis:ListShards',
        'kinesis:ListStreamConsumers',
        'kinesis:RegisterStreamConsumer',
      ],
      resources: [streamArn],
    }),
    new iam.PolicyStatement({
      sid: 'FanOutConsumers',
      actions: [
        'kinesis:DeregisterStreamConsumer',
        'kinesis:DescribeStreamConsumer',
        'kinesis:SubscribeToShard',
      ],
      resources: [`${streamArn}/consumer/*`],
    }),
    new iam.PolicyStatement({
      sid: 'StreamKeyViaKinesis',
      actions: ['kms:Decrypt'],
      resources: [data.key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `kinesis.${Aws.REGION}.amazonaws.com` } },
    }),
    new iam.PolicyStatement({
      sid: 'LeaseTable',
      actions: [
        'dynamodb:DeleteItem',
        'dynamodb:DescribeTable',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Scan',
        'dynamodb:UpdateItem',
      ],
      resources: [data.tables.leases.tableArn],
    }),
    new iam.PolicyStatement({
      sid: 'WriteResults',
      actions: ['dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      resources: [
        data.tables.anomalies.tableArn,
        data.tables.predictions.tableArn,
        data.tables.readings.tableArn,
      ],
    }),
    new iam.PolicyStatement({
      sid: 'WriteDeliveryStreams',
      actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
      resources: props.deliveryStreamNames.map(deliveryArn),
    }),
    // the forecasters the weekly retraining writes (deploy/retrain.ts), reloaded when changed
    new iam.PolicyStatement({
      sid: 'ReadModels',
      actions: ['s3:GetObject'],
      resources: [data.bucket.arnForObjects('models/*')],
    }),
    // keyed-state snapshots (docs/KEYED-STATE.md): one object per shard checkpoint
    new iam.PolicyStatement({
      sid: 'StateSnapshots',
      actions: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
      resources: [data.bucket.arnForObjects('state/*')],
    }),
    new iam.PolicyStatement({
      sid: 'LakeKeyViaS3',
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [data.key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
    }),
  ];
  if (endpoints.length > 0) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'InvokeEndpoints',
        actions: ['sagemaker:InvokeEndpoint'],
        resources: endpoints.map((e) => e.endpoint.ref),
      }),
    );
  }
  return statements;
}
