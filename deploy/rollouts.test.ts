/**
 * CDK assertions on model rollouts and batch transform permissions in the synthesized `dev`
 * stack: each endpoint updates blue/green with a canary and rolls back on its own alarms;
 * the execution role reads only the batch input and writes only the batch output; the
 * operator policy starts only this application's transform jobs and passes only that role.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { actionsOf, allStatements, synthesize, type Synthesized } from './test-support.js';

let dev: Synthesized;
beforeAll(() => {
  dev = synthesize();
});
afterAll(() => dev.cleanup());

const resources = (type: string) =>
  Object.entries(dev.json.Resources).filter(([, r]) => r.Type === type);

describe('model rollouts', () => {
  it('updates every endpoint blue/green with a 10 % canary and automatic rollback on its alarms', () => {
    const endpoints = resources('AWS::SageMaker::Endpoint');
    expect(endpoints.length).toBeGreaterThan(0);
    for (const [, endpoint] of endpoints) {
      const name = endpoint.Properties!.EndpointName as string;
      expect(endpoint.Properties!.DeploymentConfig).toEqual({
        BlueGreenUpdatePolicy: {
          TrafficRoutingConfiguration: {
            Type: 'CANARY',
            CanarySize: { Type: 'CAPACITY_PERCENT', Value: 10 },
            WaitIntervalInSeconds: 300,
          },
          TerminationWaitInSeconds: 300,
          MaximumExecutionTimeoutInSeconds: 1800,
        },
        AutoRollbackConfiguration: {
          Alarms: [
            { AlarmName: { Ref: expect.any(String) } },
            { AlarmName: { Ref: expect.any(String) } },
          ],
        },
      });
      const refs = (
        endpoint.Properties!.DeploymentConfig as {
          AutoRollbackConfiguration: { Alarms: { AlarmName: { Ref: string } }[] };
        }
      ).AutoRollbackConfiguration.Alarms.map((a) => a.AlarmName.Ref);
      const alarms = refs.map((id) => dev.json.Resources[id]!);
      expect(alarms.map((a) => a.Type)).toEqual([
        'AWS::CloudWatch::Alarm',
        'AWS::CloudWatch::Alarm',
      ]);
      expect(alarms.map((a) => a.Properties!.MetricName)).toEqual([
        'Invocation5XXErrors',
        'ModelLatency',
      ]);
      for (const a of alarms)
        expect(a.Properties!.Dimensions).toEqual(
          expect.arrayContaining([{ Name: 'EndpointName', Value: name }]),
        );
    }
  });
});

describe('batch transform permissions', () => {
  it('lets the execution role read only batch input and write only batch output of the lake', () => {
    const batch = allStatements(dev.json).filter((s) =>
      String(s.statement.Sid).startsWith('Batch'),
    );
    expect(batch.map((s) => s.statement.Sid).sort()).toEqual(
      ['BatchInput', 'BatchInputListing', 'BatchLakeKeyViaS3', 'BatchOutput'].sort(),
    );
    const text = (sid: string) =>
      JSON.stringify(batch.find((s) => s.statement.Sid === sid)!.statement);
    expect(text('BatchInput')).toContain('/export/*/batch_input/*');
    expect(text('BatchOutput')).toContain('/export/*/scores_batch_output/*');
    expect(actionsOf(batch.find((s) => s.statement.Sid === 'BatchOutput')!.statement)).toEqual([
      's3:AbortMultipartUpload',
      's3:PutObject',
    ]);
  });

  it('has an operator policy for this app’s transform jobs that passes only the execution role', () => {
    dev.template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'TransformJobs',
            Action: [
              'sagemaker:CreateTransformJob',
              'sagemaker:DescribeTransformJob',
              'sagemaker:StopTransformJob',
            ],
          }),
          Match.objectLike({
            Sid: 'PassExecutionRole',
            Action: 'iam:PassRole',
            Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
          }),
        ]),
      },
    });
    const jobs = allStatements(dev.json).find((s) => s.statement.Sid === 'TransformJobs')!;
    expect(JSON.stringify(jobs.statement.Resource)).toContain(
      `:transform-job/${dev.settings.config.app}-batch-*`,
    );
  });
});
