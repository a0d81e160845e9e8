/**
 * @module deploy/rollouts
 * Model rollouts: every SageMaker endpoint is updated blue/green — a new model or image
 * starts on a new fleet, a canary share of the traffic moves to it, and after a baking wait
 * the rest follows — and rolls back by itself when one of its rollout alarms fires during
 * the shift (invocation 5XX errors, or model latency p99, each over one-minute periods).
 * The alarms are the endpoint's own CloudWatch metrics (`AWS/SageMaker`, variant
 * `AllTraffic`), so a bad model is caught by what it does to live requests.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { VARIANT_NAME, type DeployedEndpoint } from './inference.js';

/** How a rollout shifts traffic; defaults: 10 % canary, 5 minutes baking. */
export interface RolloutSettings {
  /** Share of capacity that gets the new model first, in percent; default 10. */
  readonly canaryPercent?: number;
  /** Baking wait between the canary and the rest, seconds; default 300. */
  readonly waitSeconds?: number;
  /** How long the old fleet is kept after the shift, seconds; default 300. */
  readonly terminationWaitSeconds?: number;
  /** Rollback when model latency p99 exceeds this (microseconds); default 2,000,000 (2 s). */
  readonly maxModelLatencyMicros?: number;
}

/** Options of {@link ModelRollouts}. */
export interface ModelRolloutsProps extends RolloutSettings {
  readonly endpoints: readonly DeployedEndpoint[];
}

/** Blue/green canary deployment configuration and rollback alarms for each endpoint. */
export class ModelRollouts extends Construct {
  /** Rollback alarms by endpoint name. */
  readonly alarms: Readonly<Record<string, readonly cloudwatch.Alarm[]>>;

  constructor(scope: Construct, id: string, props: ModelRolloutsProps) {
    super(scope, id);
    const {
      canaryPercent = 10,
      waitSeconds = 300,
      terminationWaitSeconds = 300,
      maxModelLatencyMicros = 2_000_000,
    } = props;
    const alarms: Record<string, cloudwatch.Alarm[]> = {};
    for (const e of props.endpoints) {
      const metric = (metricName: string, statistic: string) =>
        new cloudwatch.Metric({
          namespace: 'AWS/SageMaker',
          metricName,
          dimensionsMap: { EndpointName: e.name, VariantName: VARIANT_NAME },
          statistic,
          period: Duration.minutes(1),
        });
      const made = [
        new cloudwatch.Alarm(this, `Errors-${e.name}`, {
          alarmName: `${e.name}-rollout-5xx`,
          alarmDescription: `Roll back ${e.name}: 5XX invocation errors during a deployment`,
          metric: metric('Invocation5XXErrors', 'Sum'),
          threshold: 0,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 2,
          datapointsToAlarm: 2,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
        new cloudwatch.Alarm(this, `Latency-${e.name}`, {
          alarmName: `${e.name}-rollout-latency`,
          alarmDescription: `Roll back ${e.name}: model latency p99 above ${maxModelLatencyMicros} µs`,
          metric: metric('ModelLatency', 'p99'),
          threshold: maxModelLatencyMicros,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 3,
          datapointsToAlarm: 3,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
      ];
      alarms[e.name] = made;
      e.endpoint.deploymentConfig = {
        blueGreenUpdatePolicy: {
          trafficRoutingConfiguration: {
            type: 'CANARY',
            canarySize: { type: 'CAPACITY_PERCENT', value: canaryPercent },
            waitIntervalInSeconds: waitSeconds,
          },
          terminationWaitInSeconds: terminationWaitSeconds,
          maximumExecutionTimeoutInSeconds: Math.max(
            600,
            3 * (waitSeconds + terminationWaitSeconds),
          ),
        },
        autoRollbackConfiguration: { alarms: made.map((a) => ({ alarmName: a.alarmName })) },
      };
    }
    this.alarms = alarms;
  }
}
