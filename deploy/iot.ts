/**
 * @module deploy/iot
 * Devices over MQTT in AWS: an IoT Core topic rule that puts every message published to
 * `<prefix>/<deviceId>` (default `shardflow/readings/+`) into the stream with the device id as
 * partition key (`${topic(n)}`), so one device's readings stay ordered in one shard — what
 * the local MQTT bridge (`producers/sources/mqtt-bridge.ts`) does on the embedded cloud.
 * Payloads go as published; the consumers' decode dead-letters bad ones. Failed rule actions
 * go to the dead-letter delivery stream (the rule's error action). The rule has its own role,
 * trusted only by IoT for this account, allowed `kinesis:PutRecord` on this stream, the
 * stream key's `kms:GenerateDataKey`, and `firehose:PutRecord` on the dead-letter stream.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as iot from 'aws-cdk-lib/aws-iot';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** The topic prefix devices publish under by default (the bridge's default filter). */
export const DEFAULT_IOT_TOPIC_PREFIX = 'shardflow/readings';

/** Options of {@link IotIngest}. */
export interface IotIngestProps {
  readonly stream: kinesis.IStream;
  /** The stream's KMS key, when it is encrypted with a customer-managed key. */
  readonly streamKey?: kms.IKey;
  /** Devices publish to `<prefix>/<deviceId>`; default `shardflow/readings`. */
  readonly topicPrefix?: string;
  /** Firehose delivery stream for failed rule actions (the dead-letter stream). */
  readonly deadLetterDeliveryStream: string;
}

/** The SQL of the rule and the partition key substitution for a topic prefix. */
export function iotRuleFor(prefix: string): { sql: string; partitionKey: string } {
  const levels = prefix.split('/').filter((p) => p !== '').length;
  return {
    sql: `SELECT * FROM '${prefix}/+'`,
    partitionKey: `\${topic(${levels + 1})}`,
  };
}

/** The IoT Core topic rule from MQTT devices to the stream, with its least-privilege role. */
export class IotIngest extends Construct {
  readonly role: iam.Role;
  readonly rule: iot.CfnTopicRule;

  constructor(scope: Construct, id: string, props: IotIngestProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const { sql, partitionKey } = iotRuleFor(props.topicPrefix ?? DEFAULT_IOT_TOPIC_PREFIX);
    this.role = new iam.Role(this, 'Role', {
      description: 'IoT Core topic rule: MQTT readings into the Kinesis stream',
      assumedBy: new iam.ServicePrincipal('iot.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['kinesis:PutRecord'],
        resources: [props.stream.streamArn],
      }),
    );
    props.streamKey?.grant(this.role, 'kms:GenerateDataKey');
    const deadLetterArn = stack.formatArn({
      service: 'firehose',
      resource: 'deliverystream',
      resourceName: props.deadLetterDeliveryStream,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['firehose:PutRecord'], resources: [deadLetterArn] }),
    );
    this.rule = new iot.CfnTopicRule(this, 'Rule', {
      topicRulePayload: {
        description: `MQTT ${sql} → Kinesis ${props.stream.streamName}, partition key = device id`,
        sql,
        awsIotSqlVersion: '2016-03-23',
        ruleDisabled: false,
        actions: [
          {
            kinesis: {
              streamName: props.stream.streamName,
              partitionKey,
              roleArn: this.role.roleArn,
            },
          },
        ],
        errorAction: {
          firehose: {
            deliveryStreamName: props.deadLetterDeliveryStream,
            roleArn: this.role.roleArn,
            separator: '\n',
          },
        },
      },
    });
  }
}
