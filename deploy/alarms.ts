/**
 * @module deploy/alarms
 * The alarms an operator acts on, all notifying one KMS-encrypted SNS topic: the stream's
 * iterator age (workers falling behind), dead-letter volume (records the pipelines could
 * not process) and each SageMaker endpoint's invocation errors. Thresholds come from the
 * environment's settings, so a noisy dev environment and a strict prod one share the code.
 */
import { Aws, Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { DataPlane } from './data-plane.js';
import { VARIANT_NAME, type DeployedEndpoint } from './inference.js';
import type { DeploySettings } from './settings.js';
import { iteratorAgeMetric } from './worker-service.js';

/** Options of {@link Alarms}. */
export interface AlarmsProps {
  readonly settings: DeploySettings;
  readonly data: DataPlane;
  readonly deadLetterDeliveryStream: string;
  readonly endpoints: readonly DeployedEndpoint[];
}

/** The alarm topic and alarms of one environment. */
export class Alarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: readonly cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const { settings, data } = props;
    const { alarms: limits, config } = settings;

    this.topic = new sns.Topic(this, 'Topic', {
      topicName: `${config.app}-alarms`,
      masterKey: data.key,
      enforceSSL: true,
    });
    // CloudWatch publishes to an encrypted topic only if it may use the topic's key — on
    // behalf of this account's alarms only (no confused deputy: aws:SourceAccount).
    data.key.grant(
      new iam.ServicePrincipal('cloudwatch.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      'kms:Decrypt',
      'kms:GenerateDataKey*',
    );
    if (limits.email) this.topic.addSubscription(new subscriptions.EmailSubscription(limits.email));

    const fiveMinutes = Duration.minutes(5);
    const made: cloudwatch.Alarm[] = [
      new cloudwatch.Alarm(this, 'IteratorAge', {
        alarmName: `${config.app}-iterator-age`,
        alarmDescription: `Workers are more than ${limits.iteratorAgeMs} ms behind ${config.streamName}`,
        metric: iteratorAgeMetric(data, Duration.minutes(1)),
        threshold: limits.iteratorAgeMs,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        treatMissingData: cloudwatch.TreatMissingData.MISSING,
      }),
      new cloudwatch.Alarm(this, 'DeadLetters', {
        alarmName: `${config.app}-dead-letters`,
        alarmDescription: `More than ${limits.deadLettersPer5Min} dead letters in 5 minutes`,
        metric: new cloudwatch.Metric({
          namespace: 'AWS/Firehose',
          metricName: 'IncomingRecords',
          dimensionsMap: { DeliveryStreamName: props.deadLetterDeliveryStream },
          statistic: 'Sum',
          period: fiveMinutes,
        }),
        threshold: limits.deadLettersPer5Min,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      ...props.endpoints.map(
        (e) =>
          new cloudwatch.Alarm(this, `EndpointErrors-${e.name}`, {
            alarmName: `${e.name}-invocation-errors`,
            alarmDescription: `More than ${limits.endpointErrorsPer5Min} failed invocations of ${e.name} in 5 minutes`,
            metric: new cloudwatch.MathExpression({
              expression: 'FILL(e4, 0) + FILL(e5, 0)',
              usingMetrics: {
                e4: endpointMetric(e, 'Invocation4XXErrors', fiveMinutes),
                e5: endpointMetric(e, 'Invocation5XXErrors', fiveMinutes),
              },
              label: 'invocation errors',
              period: fiveMinutes,
            }),
            threshold: limits.endpointErrorsPer5Min,
            comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluationPeriods: 1,
            treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
          }),
      ),
    ];
    const notify = new actions.SnsAction(this.topic);
    for (const alarm of made) {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
    }
    this.alarms = made;
  }
}

function endpointMetric(
  e: DeployedEndpoint,
  metricName: string,
  period: Duration,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/SageMaker',
    metricName,
    dimensionsMap: { EndpointName: e.name, VariantName: VARIANT_NAME },
    statistic: 'Sum',
    period,
  });
}
