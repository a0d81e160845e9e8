/**
 * CDK assertions on the weekly retraining of the synthesized `dev` stack: an EventBridge
 * schedule starts one Fargate task of the worker image on the workers' cluster, which exports
 * the lake's last days and trains the boosted-trees forecaster into the lake bucket; its role
 * writes only `latest/` and `models/`.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { RETRAIN_DAYS, RETRAIN_MODEL_PREFIX, retrainCommand } from './retrain.js';
import {
  actionsOf,
  allStatements,
  only,
  render,
  resourcesOf,
  synthesize,
  type Synthesized,
} from './test-support.js';

let dev: Synthesized;
beforeAll(() => {
  dev = synthesize();
});
afterAll(() => dev.cleanup());

const names = () => ({ [only(dev.json, 'AWS::S3::Bucket')]: 'lake' });
const retrainTask = () =>
  Object.entries(dev.json.Resources).find(
    ([, r]) =>
      r.Type === 'AWS::ECS::TaskDefinition' &&
      String(r.Properties?.Family ?? '').endsWith('-retrain'),
  ) as [string, { Properties: Record<string, unknown> }];

describe('weekly retraining', () => {
  it('is an EventBridge schedule, weekly, running one task on the workers cluster', () => {
    dev.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 3 ? * SUN *)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [only(dev.json, 'AWS::ECS::Cluster'), 'Arn'] },
          EcsParameters: Match.objectLike({
            TaskCount: 1,
            LaunchType: 'FARGATE',
            TaskDefinitionArn: { Ref: retrainTask()[0] },
          }),
        }),
      ],
    });
  });

  it('exports the last days of the lake as CSV and trains the boosted trees into models/', () => {
    const [, task] = retrainTask();
    const [container] = task.Properties.ContainerDefinitions as {
      Command: unknown[];
      Image: unknown;
      ReadonlyRootFilesystem: boolean;
    }[];
    const command = (container?.Command ?? []).map((c) => render(c, names())).join(' ');
    expect(command).toBe(retrainCommand('lake.Ref').join(' '));
    expect(command).toContain(`export --days ${RETRAIN_DAYS} --format csv`);
    expect(command).toContain(`--input s3://lake.Ref/latest/${RETRAIN_DAYS}-days/households/`);
    expect(command).toContain('--model boosted-trees');
    expect(command).toContain(`--out s3://lake.Ref/${RETRAIN_MODEL_PREFIX}`);
    expect(container?.ReadonlyRootFilesystem).toBe(true);
    // the worker's image: the same CLI that serves the models trains them
    const worker = Object.values(dev.json.Resources).find(
      (r) =>
        r.Type === 'AWS::ECS::TaskDefinition' &&
        String(r.Properties?.Family ?? '').endsWith('-worker'),
    );
    const [workerContainer] = worker?.Properties?.ContainerDefinitions as { Image: unknown }[];
    expect(container?.Image).toEqual(workerContainer?.Image);
  });

  it('may read the lake bucket but write only latest/ and models/', () => {
    const [, task] = retrainTask();
    const role = (task.Properties.TaskRoleArn as { 'Fn::GetAtt': [string, string] })[
      'Fn::GetAtt'
    ][0];
    const statements = allStatements(dev.json).filter(
      (s) =>
        s.type === 'AWS::IAM::Policy' &&
        JSON.stringify(dev.json.Resources[s.resource]?.Properties?.Roles).includes(role),
    );
    const writes = statements.filter((s) =>
      actionsOf(s.statement).some((a) => a.startsWith('s3:Put')),
    );
    const written = writes.flatMap((s) => resourcesOf(s.statement).map((r) => render(r, names())));
    expect(written.sort()).toEqual(
      [`lake.Arn/latest/*`, `lake.Arn/${RETRAIN_MODEL_PREFIX}/*`].sort(),
    );
    expect(statements.some((s) => actionsOf(s.statement).includes('s3:DeleteObject*'))).toBe(false);
  });
});
