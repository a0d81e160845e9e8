/**
 * @module deploy/retrain
 * The weekly retraining: an EventBridge schedule (Sundays 03:00 UTC) runs a Fargate task of
 * the worker image on the workers' cluster that exports the last {@link RETRAIN_DAYS} days of
 * the lake as CSV (`latest/<N>-days/`) and fits the multivariate boosted-trees household
 * forecaster on them (`shardflow train … --out s3://<lake bucket>/models/…`): a versioned
 * artefact under `versions/` and `model.json`, which workers and model servers reload
 * without a restart. The task role may read the bucket, write only `latest/` and `models/`,
 * and use the stack's key; the task accepts no inbound traffic and sends only HTTPS.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HOUSEHOLD_MEASURES } from '../core/index.js';
import type { DataPlane } from './data-plane.js';
import { workerEnvironment, type DeploySettings } from './settings.js';

/** Days of readings each retraining learns from. */
export const RETRAIN_DAYS = 28;

/** Where the retrained household forecaster goes in the lake bucket. */
export const RETRAIN_MODEL_PREFIX = 'models/forecast-household-power';

/** When it runs: weekly, Sunday 03:00 UTC (a quiet hour, after the day's exports). */
export const RETRAIN_SCHEDULE = { weekDay: 'SUN', hour: '3', minute: '0' } as const;

/** The shell command of the task for a lake bucket (name or token). */
export function retrainCommand(bucket: string): string[] {
  const target = 'globalActivePower';
  const covariates = HOUSEHOLD_MEASURES.filter((m) => m !== target).join(',');
  const cli = 'node dist/cli/cli.js';
  return [
    'sh',
    '-c',
    `${cli} export --days ${RETRAIN_DAYS} --format csv && ` +
      `${cli} train forecaster --model boosted-trees ` +
      `--input s3://${bucket}/latest/${RETRAIN_DAYS}-days/households/ ` +
      `--key household --column ${target} --covariates ${covariates} ` +
      `--out s3://${bucket}/${RETRAIN_MODEL_PREFIX}`,
  ];
}

/** Options of {@link Retraining}. */
export interface RetrainingProps {
  readonly settings: DeploySettings;
  readonly data: DataPlane;
  /** The workers' cluster (and VPC). */
  readonly cluster: ecs.ICluster;
  /** The worker image (the CLI is in it). */
  readonly image: ecs.ContainerImage;
}

/** The weekly retraining task and its schedule (see module doc). */
export class Retraining extends Construct {
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly rule: events.Rule;

  constructor(scope: Construct, id: string, props: RetrainingProps) {
    super(scope, id);
    const { settings, data, cluster } = props;
    const { config, worker } = settings;
    const role = new iam.Role(this, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: `${config.app} retraining: read the lake, write latest/ and models/`,
    });
    data.bucket.grantRead(role);
    data.bucket.grantPut(role, 'latest/*');
    data.bucket.grantPut(role, `${RETRAIN_MODEL_PREFIX}/*`);
    data.key.grantEncryptDecrypt(role);
    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      family: `${config.app}-retrain`,
      cpu: 1024,
      memoryLimitMiB: 4096,
      taskRole: role,
    });
    const logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/${config.app}/retrain`,
      retention: worker.logRetentionDays as logs.RetentionDays,
      removalPolicy: settings.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.taskDefinition.addContainer('train', {
      image: props.image,
      command: retrainCommand(data.bucket.bucketName),
      environment: workerEnvironment(config, { rcf: false, forecast: false }),
      readonlyRootFilesystem: true,
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'retrain', logGroup }),
      stopTimeout: Duration.seconds(30),
    });
    const isPrivate = worker.subnets === 'private';
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: cluster.vpc,
      description: `${config.app} retraining: HTTPS out only`,
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'AWS APIs over HTTPS');
    this.rule = new events.Rule(this, 'Weekly', {
      description: `${config.app}: weekly retraining of the household forecaster`,
      schedule: events.Schedule.cron(RETRAIN_SCHEDULE),
      targets: [
        new targets.EcsTask({
          cluster,
          taskDefinition: this.taskDefinition,
          taskCount: 1,
          assignPublicIp: !isPrivate,
          securityGroups: [securityGroup],
          subnetSelection: {
            subnetType: isPrivate ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PUBLIC,
          },
        }),
      ],
    });
  }
}
