/**
 * CDK assertions on the IoT Core topic rule of the synthesized `dev` stack: MQTT readings to
 * the stream keyed by the topic's device id, failed actions to the dead-letter stream, and a
 * role of its own that IoT alone assumes and that may do exactly those puts.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { resourcesFor } from '../core/index.js';
import { iotRuleFor } from './iot.js';
import { actionsOf, allStatements, only, synthesize, type Synthesized } from './test-support.js';

let dev: Synthesized;
beforeAll(() => {
  dev = synthesize();
});
afterAll(() => dev.cleanup());

describe('IoT Core topic rule', () => {
  it('puts shardflow/readings/+ into the stream with partition key ${topic(3)}', () => {
    const names = resourcesFor(dev.settings.config);
    dev.template.resourceCountIs('AWS::IoT::TopicRule', 1);
    dev.template.hasResourceProperties('AWS::IoT::TopicRule', {
      TopicRulePayload: Match.objectLike({
        Sql: "SELECT * FROM 'shardflow/readings/+'",
        RuleDisabled: false,
        Actions: [
          {
            Kinesis: Match.objectLike({
              StreamName: Match.anyValue(),
              PartitionKey: '${topic(3)}',
            }),
          },
        ],
        ErrorAction: {
          Firehose: Match.objectLike({
            DeliveryStreamName: names.deliveryStreams.find((d) => d.role === 'deadLetters')!.name,
          }),
        },
      }),
    });
    const rule = Object.values(dev.json.Resources).find((r) => r.Type === 'AWS::IoT::TopicRule')!;
    const payload = rule.Properties!.TopicRulePayload as {
      Actions: { Kinesis: { StreamName: unknown } }[];
    };
    // the stream of the stack (whose name is the configured one), not another
    expect(payload.Actions[0]!.Kinesis.StreamName).toEqual({
      Ref: only(dev.json, 'AWS::Kinesis::Stream'),
    });
    dev.template.hasResourceProperties('AWS::Kinesis::Stream', { Name: names.streams[0]!.name });
  });

  it('derives the partition key level from the topic prefix', () => {
    expect(iotRuleFor('factory/line-1/readings')).toEqual({
      sql: "SELECT * FROM 'factory/line-1/readings/+'",
      partitionKey: '${topic(4)}',
    });
  });

  it('has its own role, assumed by IoT for this account only, allowed exactly its puts', () => {
    dev.template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'iot.amazonaws.com' },
            Condition: { StringEquals: { 'aws:SourceAccount': Match.anyValue() } },
          }),
        ],
      },
    });
    const mine = allStatements(dev.json).filter(
      (s) => s.type === 'AWS::IAM::Policy' && s.resource.startsWith('Iot'),
    );
    expect(mine.flatMap((s) => actionsOf(s.statement)).sort()).toEqual(
      ['firehose:PutRecord', 'kinesis:PutRecord', 'kms:GenerateDataKey'].sort(),
    );
    for (const s of mine) expect(JSON.stringify(s.statement.Resource)).not.toContain('"*"');
  });
});
