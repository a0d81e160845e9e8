/**
 * @module deploy/stack
 * One shardflow environment as one CloudFormation stack: the data plane (key, stream,
 * tables, lake), the Firehose delivery streams, the SageMaker endpoints, the worker
 * service and the alarms. Everything is derived from one {@link DeploySettings}, whose
 * resource names come from `resourcesFor(loadConfig(…))` — the source of truth the local
 * cloud and the worker share — and the stack outputs the names an operator needs.
 */
import { CfnOutput, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ConfigError, resourcesFor, type DeliveryStreamResource } from '../core/index.js';
import { Alarms } from './alarms.js';
import { ApiService, apiSettingsFrom } from './api-service.js';
import { DataPlane } from './data-plane.js';
import { DeliveryStreams } from './delivery.js';
import { Inference } from './inference.js';
import { IotIngest } from './iot.js';
import { BatchTransformAccess } from './batch-transform.js';
import { ModelRollouts } from './rollouts.js';
import { Lake } from './lake.js';
import { Retraining } from './retrain.js';
import type { DeploySettings } from './settings.js';
import { WorkerService } from './worker-service.js';

/** Options of {@link ShardflowStack}. */
export interface ShardflowStackProps extends StackProps {
  readonly settings: DeploySettings;
  /** Repository root: the Docker build context of the image assets. */
  readonly contextDirectory: string;
}

/** The whole deployment of one environment. */
export class ShardflowStack extends Stack {
  readonly data: DataPlane;
  readonly delivery: DeliveryStreams;
  readonly inference: Inference;
  readonly lake: Lake;
  readonly worker: WorkerService;
  readonly alarms: Alarms;
  /** The IoT Core topic rule: MQTT devices → the stream. */
  readonly iot: IotIngest;
  /** The query API and dashboard, when the environment has `api` settings. */
  readonly api: ApiService | undefined;

  constructor(scope: Construct, id: string, props: ShardflowStackProps) {
    super(scope, id, props);
    const { settings, contextDirectory } = props;
    const resources = resourcesFor(settings.config);
    Tags.of(this).add('shardflow:app', settings.config.app);
    Tags.of(this).add('shardflow:env', settings.envName);

    const byRole = (role: DeliveryStreamResource['role']) => {
      const found = resources.deliveryStreams.find((d) => d.role === role);
      if (!found) throw new ConfigError('resources', `no ${role} delivery stream`);
      return found.name;
    };

    this.data = new DataPlane(this, 'Data', { settings, resources });
    this.delivery = new DeliveryStreams(this, 'Delivery', {
      data: this.data,
      definitions: resources.deliveryStreams,
      logRetentionDays: settings.worker.logRetentionDays,
      retainLogs: settings.retainData,
    });
    this.lake = new Lake(this, 'Lake', {
      settings,
      data: this.data,
      rawPrefix: resources.deliveryStreams.find((d) => d.role === 'raw')?.prefix ?? 'raw/',
    });
    this.inference = new Inference(this, 'Inference', {
      settings,
      data: this.data,
      contextDirectory,
    });
    this.worker = new WorkerService(this, 'Worker', {
      settings,
      data: this.data,
      deliveryStreamNames: [byRole('results'), byRole('deadLetters')],
      endpoints: this.inference.endpoints,
      contextDirectory,
    });
    const api = apiSettingsFrom((key) => this.node.tryGetContext(key), settings.envName);
    this.api = api
      ? new ApiService(this, 'Api', {
          settings,
          api,
          data: this.data,
          cluster: this.worker.service.cluster,
          contextDirectory,
        })
      : undefined;
    new ModelRollouts(this, 'Rollouts', { endpoints: this.inference.endpoints });
    new Retraining(this, 'Retraining', {
      settings,
      data: this.data,
      cluster: this.worker.service.cluster,
      image: this.worker.containerImage,
    });
    if (this.inference.executionRole)
      new BatchTransformAccess(this, 'BatchTransform', {
        app: settings.config.app,
        data: this.data,
        executionRole: this.inference.executionRole,
      });
    this.iot = new IotIngest(this, 'Iot', {
      stream: this.data.stream,
      streamKey: this.data.key,
      deadLetterDeliveryStream: byRole('deadLetters'),
    });
    this.alarms = new Alarms(this, 'Alarms', {
      settings,
      data: this.data,
      deadLetterDeliveryStream: byRole('deadLetters'),
      endpoints: this.inference.endpoints,
    });

    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output('StreamName', this.data.stream.streamName, 'Kinesis stream (SHARDFLOW_STREAM)');
    output('LakeBucket', this.data.bucket.bucketName, 'S3 lake (SHARDFLOW_BUCKET)');
    output('LakeDatabase', this.lake.databaseName, 'Glue database of the lake (Athena)');
    output('LakeWorkgroup', this.lake.workgroup.ref, 'Athena workgroup (encrypted results)');
    output('WorkerService', this.worker.service.serviceName, 'ECS service of the workers');
    output('WorkerLogs', this.worker.logGroup.logGroupName, 'CloudWatch log group of the workers');
    output('AlarmTopic', this.alarms.topic.topicArn, 'SNS topic the alarms notify');
    if (this.api) {
      const dns = this.api.service.loadBalancer.loadBalancerDnsName;
      output('ApiUrl', `https://${dns}/`, 'query API and dashboard (point your DNS name here)');
      output('ApiKeySecret', this.api.apiKey.secretName, 'Secrets Manager secret of x-api-key');
    }
  }
}
