/**
 * CDK assertions on the synthesized `dev` stack (one synthesis shared by every check, no
 * credentials, no Docker): encryption, no wildcard permissions, the worker's exact
 * permissions, scaling and alarms, stop timeout vs drain deadline, and resource names
 * identical to what the worker and the local cloud derive from the configuration.
 */
import { spawnSync } from 'node:child_process';
import { Match } from 'aws-cdk-lib/assertions';
import { loadConfig, resourcesFor, type Resources } from '../core/index.js';
import { deployedEndpoints, workerEnvironment } from './settings.js';
import { WORKER_COMMAND, workerCommand, workerShellCommand } from './worker-service.js';
import {
  STAR_ONLY_ACTIONS,
  wildcardFindings,
  actionsOf,
  allStatements,
  only,
  render,
  resourcesOf,
  synthesize,
  type CfnTemplate,
  type FoundStatement,
  type Synthesized,
  workerTaskId,
} from './test-support.js';

let dev: Synthesized;
let names: Record<string, string>;

beforeAll(() => {
  dev = synthesize();
  const { json } = dev;
  names = {};
  for (const [id, r] of Object.entries(json.Resources)) {
    const p = r.Properties ?? {};
    const name = (p.Name ?? p.TableName ?? p.BucketName ?? p.EndpointName) as string | undefined;
    if (r.Type === 'AWS::KMS::Key') names[id] = 'key';
    else if (typeof name === 'string') names[id] = name;
  }
});

afterAll(() => dev?.cleanup());

describe('the worker container command', () => {
  it('gives each start a distinct SHARDFLOW_WORKER_ID and execs node in place of the shell', () => {
    const probe = [
      process.execPath,
      '-e',
      'console.log(JSON.stringify({ id: process.env.SHARDFLOW_WORKER_ID, ppid: process.ppid, quote: "it\'s" }))',
    ];
    const run = () => {
      const [shell, flag, script] = workerShellCommand(probe);
      const out = spawnSync(shell!, [flag!, script!], {
        env: { PATH: process.env.PATH, HOSTNAME: 'ip-10-0-0-7' },
        encoding: 'utf8',
      });
      expect(out.stderr).toBe('');
      return JSON.parse(out.stdout) as { id: string; ppid: number; quote: string };
    };
    const [a, b] = [run(), run()];
    expect(a.id).toMatch(/^ip-10-0-0-7-[0-9a-f-]{36}$/);
    expect(b.id).not.toBe(a.id);
    expect(a.quote).toBe("it's"); // arguments are quoted for the shell
    // exec: node's parent is this test process, not an intermediate shell.
    expect(a.ppid).toBe(process.pid);
  });
});

describe('the dev stack', () => {
  it('encrypts the stream, the tables, the bucket and the Direct PUT delivery streams', () => {
    const key = only(dev.json, 'AWS::KMS::Key');
    dev.template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    dev.template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamEncryption: { EncryptionType: 'KMS', KeyId: { 'Fn::GetAtt': [key, 'Arn'] } },
    });
    const tables = dev.template.findResources('AWS::DynamoDB::Table');
    expect(Object.keys(tables)).toHaveLength(4);
    for (const table of Object.values(tables)) {
      // Enabled without a key of ours = KMS with the AWS managed key (alias/aws/dynamodb).
      expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true });
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({
        PointInTimeRecoveryEnabled: true,
      });
    }
    dev.template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [key, 'Arn'] },
            },
          },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    // TLS-only bucket policy.
    dev.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
    const delivery = Object.values(
      dev.template.findResources('AWS::KinesisFirehose::DeliveryStream'),
    );
    for (const d of delivery) {
      const p = d.Properties;
      expect(p.ExtendedS3DestinationConfiguration.EncryptionConfiguration).toEqual({
        KMSEncryptionConfig: { AWSKMSKeyARN: { 'Fn::GetAtt': [key, 'Arn'] } },
      });
      if (p.DeliveryStreamType === 'DirectPut')
        expect(p.DeliveryStreamEncryptionConfigurationInput).toEqual({ KeyType: 'AWS_OWNED_CMK' });
    }
  });

  it('has no Action "*" and no Resource "*" except where AWS allows nothing narrower', () => {
    expect(wildcardFindings(dev.json)).toEqual([]);
    // The exceptions that remain are exactly the documented star-only actions.
    const starred = allStatements(dev.json)
      .filter((s) => s.type === 'AWS::IAM::Policy' && resourcesOf(s.statement).includes('*'))
      .flatMap((s) => actionsOf(s.statement));
    expect(new Set(starred)).toEqual(STAR_ONLY_ACTIONS);
  });

  it('the wildcard check itself catches a wildcard', () => {
    const bad: CfnTemplate = {
      Resources: {
        P: {
          Type: 'AWS::IAM::Policy',
          Properties: {
            PolicyDocument: {
              Statement: [
                { Effect: 'Allow', Action: '*', Resource: 'arn:aws:s3:::b' },
                { Effect: 'Allow', Action: 'dynamodb:*', Resource: 'arn:aws:dynamodb:::t' },
                { Effect: 'Allow', Action: ['s3:GetObject'], Resource: '*' },
                { Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*' },
              ],
            },
          },
        },
      },
    };
    expect(wildcardFindings(bad)).toEqual([
      'P: Action "*"',
      'P: dynamodb:*',
      'P: s3:GetObject on "*"',
      'P: PutMetricData on "*" without a namespace condition',
    ]);
  });

  it('gives the worker exactly its stream, lease table, results, delivery streams and endpoint', () => {
    const taskDef = workerTaskId(dev.json);
    const roleRef = dev.json.Resources[taskDef]!.Properties!.TaskRoleArn as {
      'Fn::GetAtt': [string, string];
    };
    const role = roleRef['Fn::GetAtt'][0];
    const statements = allStatements(dev.json).filter(
      (s) =>
        s.type === 'AWS::IAM::Policy' &&
        JSON.stringify(dev.json.Resources[s.resource]!.Properties!.Roles) ===
          JSON.stringify([{ Ref: role }]),
    );
    const { config } = dev.settings;
    const view = (s: FoundStatement) => ({
      sid: s.statement.Sid,
      actions: actionsOf(s.statement),
      resources: resourcesOf(s.statement).map((r) => render(r, names)),
      ...(s.statement.Condition
        ? { condition: render(s.statement.Condition.StringEquals?.['kms:ViaService'], names) }
        : {}),
    });
    const deliveryArn = (name: string) =>
      `arn:\${Partition}:firehose:\${Region}:\${AccountId}:deliverystream/${name}`;
    expect(statements.map(view)).toEqual([
      {
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
        resources: [`${config.streamName}.Arn`],
      },
      {
        sid: 'FanOutConsumers',
        actions: [
          'kinesis:DeregisterStreamConsumer',
          'kinesis:DescribeStreamConsumer',
          'kinesis:SubscribeToShard',
        ],
        resources: [`${config.streamName}.Arn/consumer/*`],
      },
      {
        sid: 'StreamKeyViaKinesis',
        actions: ['kms:Decrypt'],
        resources: ['key.Arn'],
        condition: 'kinesis.${Region}.amazonaws.com',
      },
      {
        sid: 'LeaseTable',
        actions: [
          'dynamodb:DeleteItem',
          'dynamodb:DescribeTable',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:Scan',
          'dynamodb:UpdateItem',
        ],
        resources: [`${config.leaseTableName}.Arn`],
      },
      {
        sid: 'WriteResults',
        actions: ['dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [
          `${config.anomaliesTableName}.Arn`,
          `${config.predictionsTableName}.Arn`,
          `${config.readingsTableName}.Arn`,
        ],
      },
      {
        sid: 'WriteDeliveryStreams',
        actions: ['firehose:PutRecord', 'firehose:PutRecordBatch'],
        resources: [
          deliveryArn(config.resultsDeliveryStream),
          deliveryArn(config.deadLetterDeliveryStream),
        ],
      },
      {
        sid: 'ReadModels',
        actions: ['s3:GetObject'],
        resources: [`${config.bucketName}.Arn/models/*`],
      },
      {
        sid: 'StateSnapshots',
        actions: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'],
        resources: [`${config.bucketName}.Arn/state/*`],
      },
      {
        sid: 'LakeKeyViaS3',
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['key.Arn'],
        condition: 's3.${Region}.amazonaws.com',
      },
      {
        sid: 'InvokeEndpoints',
        actions: ['sagemaker:InvokeEndpoint'],
        resources: [`${config.rcfEndpointName}.Ref`],
      },
    ]);
    // No managed policies sneak in beside the inline one.
    expect(dev.json.Resources[role]!.Properties!.ManagedPolicyArns).toBeUndefined();
  });

  it('scales the workers on iterator age and CPU, and alarms on lag, dead letters and endpoint errors', () => {
    const { worker, alarms, config } = dev.settings;
    dev.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: worker.minTasks,
      MaxCapacity: worker.maxTasks,
      ScalableDimension: 'ecs:service:DesiredCount',
    });
    dev.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        TargetValue: worker.cpuTargetPercent,
      }),
    });
    const stream = only(dev.json, 'AWS::Kinesis::Stream');
    const iteratorAge = {
      Namespace: 'AWS/Kinesis',
      MetricName: 'GetRecords.IteratorAgeMilliseconds',
      Dimensions: [{ Name: 'StreamName', Value: { Ref: stream } }],
      Statistic: 'Maximum',
    };
    // Step scaling: +1 task above the scale-out age, -1 below the scale-in age.
    const stepAlarms = Object.values(
      dev.template.findResources('AWS::CloudWatch::Alarm', {
        Properties: {
          ...iteratorAge,
          AlarmActions: [{ Ref: Match.stringLikeRegexp('IteratorAge.*Policy') }],
        },
      }),
    ).map((a) => [a.Properties.ComparisonOperator, a.Properties.Threshold]);
    expect(stepAlarms.sort()).toEqual(
      [
        ['GreaterThanOrEqualToThreshold', worker.scaleOutIteratorAgeMs],
        ['LessThanOrEqualToThreshold', worker.scaleInIteratorAgeMs],
      ].sort(),
    );
    dev.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'StepScaling',
      StepScalingPolicyConfiguration: Match.objectLike({
        StepAdjustments: Match.arrayWith([Match.objectLike({ ScalingAdjustment: 1 })]),
      }),
    });
    const topic = only(dev.json, 'AWS::SNS::Topic');
    const notifies = { AlarmActions: [{ Ref: topic }], OKActions: [{ Ref: topic }] };
    dev.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...iteratorAge,
      ...notifies,
      Threshold: alarms.iteratorAgeMs,
    });
    dev.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Firehose',
      MetricName: 'IncomingRecords',
      Dimensions: [{ Name: 'DeliveryStreamName', Value: config.deadLetterDeliveryStream }],
      Threshold: alarms.deadLettersPer5Min,
      ...notifies,
    });
    dev.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: `${config.rcfEndpointName}-invocation-errors`,
      Metrics: Match.arrayWith([
        Match.objectLike({
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({
              Namespace: 'AWS/SageMaker',
              MetricName: 'Invocation5XXErrors',
              Dimensions: Match.arrayWith([
                { Name: 'EndpointName', Value: config.rcfEndpointName },
              ]),
            }),
          }),
        }),
      ]),
      ...notifies,
    });
  });

  it('stops a worker no sooner than its drain deadline and health-checks /healthz', () => {
    const taskDef = dev.json.Resources[workerTaskId(dev.json)]!;
    const [container] = taskDef.Properties!.ContainerDefinitions as {
      StopTimeout: number;
      HealthCheck: { Command: string[] };
      Command: string[];
      Environment: { Name: string; Value: string }[];
    }[];
    const env = Object.fromEntries(container!.Environment.map((e) => [e.Name, e.Value]));
    const drain = Number(env.SHARDFLOW_DRAIN_DEADLINE_SECONDS);
    expect(drain).toBe(dev.settings.config.drainDeadlineSeconds);
    expect(container!.StopTimeout).toBeGreaterThanOrEqual(drain + 10);
    expect(container!.StopTimeout).toBeLessThanOrEqual(120); // Fargate's maximum
    expect(container!.HealthCheck.Command.join(' ')).toContain(
      `127.0.0.1:${env.SHARDFLOW_HTTP_PORT}/healthz`,
    );
    expect(container!.Command).toEqual(workerShellCommand(workerCommand(dev.settings)));
    expect(WORKER_COMMAND).toEqual(['node', 'dist/cli/cli.js', 'consume', '--pipeline', 'both']);
  });

  it('names every resource exactly as the worker and the local cloud derive them', () => {
    // What the deployed worker will read: its container environment through loadConfig.
    const taskDef = dev.json.Resources[workerTaskId(dev.json)]!;
    const [container] = taskDef.Properties!.ContainerDefinitions as {
      Environment: { Name: string; Value: string }[];
    }[];
    const env = Object.fromEntries(container!.Environment.map((e) => [e.Name, e.Value]));
    expect(env).toEqual(workerEnvironment(dev.settings.config, deployedEndpoints(dev.settings)));
    const workerResources: Resources = resourcesFor(loadConfig(env));

    // What the template creates, read back in the same shape.
    const props = (type: string) =>
      Object.values(dev.template.findResources(type)).map(
        (r) => r.Properties as Record<string, unknown>,
      );
    const [stream] = props('AWS::Kinesis::Stream');
    expect(stream).toMatchObject({
      Name: workerResources.streams[0]!.name,
      ShardCount: workerResources.streams[0]!.shardCount,
    });
    expect(props('AWS::S3::Bucket').map((b) => b.BucketName)).toEqual(workerResources.buckets);
    const tables = props('AWS::DynamoDB::Table').map((t) => {
      const keys = t.KeySchema as { AttributeName: string; KeyType: string }[];
      const ttl = t.TimeToLiveSpecification as { AttributeName: string } | undefined;
      return {
        name: t.TableName,
        partitionKey: keys.find((k) => k.KeyType === 'HASH')?.AttributeName,
        sortKey: keys.find((k) => k.KeyType === 'RANGE')?.AttributeName,
        ttlAttribute: ttl?.AttributeName,
      };
    });
    expect(tables).toEqual(
      workerResources.tables.map((t) => ({
        name: t.name,
        partitionKey: t.partitionKey,
        sortKey: t.sortKey,
        ttlAttribute: t.ttlAttribute,
      })),
    );
    expect(tables[0]!.partitionKey).toBe('leaseKey');
    const delivery = props('AWS::KinesisFirehose::DeliveryStream').map((d) => {
      const s3 = d.ExtendedS3DestinationConfiguration as Record<string, unknown>;
      const hints = s3.BufferingHints as { IntervalInSeconds: number; SizeInMBs: number };
      return {
        name: d.DeliveryStreamName,
        prefix: s3.Prefix,
        errorOutputPrefix: s3.ErrorOutputPrefix,
        bufferingSeconds: hints.IntervalInSeconds,
        bufferingMiB: hints.SizeInMBs,
        gzip: s3.CompressionFormat === 'GZIP',
        kinesisSource: d.DeliveryStreamType === 'KinesisStreamAsSource',
      };
    });
    expect(delivery).toEqual(
      workerResources.deliveryStreams.map((d) => ({
        name: d.name,
        prefix: d.prefix,
        errorOutputPrefix: d.errorOutputPrefix,
        bufferingSeconds: d.bufferingSeconds,
        bufferingMiB: d.bufferingMiB,
        gzip: d.gzip,
        kinesisSource: d.sourceStream === workerResources.streams[0]!.name,
      })),
    );
    expect(props('AWS::SageMaker::Endpoint').map((e) => e.EndpointName)).toEqual([
      dev.settings.config.rcfEndpointName,
    ]);
    // …and the settings' configuration is the one the local cloud builds for the same app.
    expect(resourcesFor(dev.settings.config)).toEqual(
      resourcesFor(loadConfig({}, { app: 'shardflow-dev', shardCount: 2 })),
    );
  });
});
