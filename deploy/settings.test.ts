/**
 * Settings resolution and the selectable variants: invalid environments fail at synth time
 * with the field named; the built-in RCF image, an on-demand stream and prebuilt images
 * synthesize to what they promise (one extra synthesis, no assets, no Docker).
 */
import { ConfigError } from '../core/index.js';
import { builtinRcfImage } from './rcf-image.js';
import { settingsFrom, type EnvironmentInput } from './settings.js';
import {
  actionsOf,
  allStatements,
  cdkJsonContext,
  only,
  render,
  resourcesOf,
  synthesize,
  workerTaskId,
} from './test-support.js';

const reader =
  (environments: Record<string, EnvironmentInput>, extra: Record<string, unknown> = {}) =>
  (key: string): unknown =>
    ({ env: 'x', 'shardflow:environments': environments, ...extra })[key];

const failure = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('settingsFrom', () => {
  it('resolves every environment of cdk.json, each with its own names', () => {
    const context = cdkJsonContext();
    const environments = Object.keys(context['shardflow:environments'] as object);
    expect(environments).toEqual(expect.arrayContaining(['dev', 'prod']));
    const apps = environments.map(
      (env) => settingsFrom((key) => ({ ...context, env })[key]).config.app,
    );
    expect(new Set(apps).size).toBe(environments.length);
  });

  it('derives names from the app and the stop timeout from the drain deadline', () => {
    const s = settingsFrom(reader({ x: { config: { app: 'acme', drainDeadlineSeconds: 45 } } }), {
      region: 'eu-west-1',
    });
    expect(s.stackName).toBe('acme');
    expect(s.region).toBe('eu-west-1');
    expect(s.config.streamName).toBe('acme-readings');
    expect(s.config.region).toBe('eu-west-1');
    expect(s.stopTimeoutSeconds).toBe(60);
  });

  it('refuses a drain deadline Fargate cannot honour, naming the field', () => {
    const e = failure(() => settingsFrom(reader({ x: { config: { drainDeadlineSeconds: 110 } } })));
    expect(e.field).toBe('drainDeadlineSeconds');
  });

  it('refuses an unknown environment, a bad setting, and built-in RCF without an artefact', () => {
    expect(failure(() => settingsFrom(reader({ y: {} }))).message).toContain('known: y');
    expect(failure(() => settingsFrom(reader({ x: { worker: { cpu: 300 as 256 } } }))).field).toBe(
      'shardflow:environments.x.worker.cpu',
    );
    expect(
      failure(() => settingsFrom(reader({ x: { inference: { rcf: { image: 'builtin' } } } })))
        .field,
    ).toBe('inference.rcf.modelDataUrl');
    expect(
      failure(() => settingsFrom(reader({ x: { config: { app: 'Bad_Name' } } }))).field,
    ).toMatch(/^app/);
    expect(
      failure(() =>
        settingsFrom(reader({ x: { config: { shardCount: 2 }, worker: { maxTasks: 3 } } })),
      ).field,
    ).toBe('worker.maxTasks');
  });

  it('lets -c workerImage / modelServerImage override the environment', () => {
    const uri = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/worker:v2';
    const s = settingsFrom(reader({ x: {} }, { workerImage: uri, modelServerImage: uri }));
    expect(s.worker.image).toBe(uri);
    expect(s.inference.modelServerImage).toBe(uri);
  });
});

describe('builtinRcfImage', () => {
  it('maps regions to the algorithm account, and refuses regions without one', () => {
    expect(builtinRcfImage('us-east-1')).toBe(
      '382416733822.dkr.ecr.us-east-1.amazonaws.com/randomcutforest:1',
    );
    expect(builtinRcfImage('cn-north-1')).toBe(
      '390948362332.dkr.ecr.cn-north-1.amazonaws.com.cn/randomcutforest:1',
    );
    expect(failure(() => builtinRcfImage('xx-nowhere-1')).field).toBe('inference.rcf.image');
  });
});

describe('a built-in RCF, on-demand, prebuilt-image environment', () => {
  const artefact = 's3://models-bucket/rcf/model.tar.gz';
  const workerImage = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shardflow-worker:v7';
  const variant = synthesize(
    {
      env: 'variant',
      workerImage,
      'shardflow:environments': {
        variant: {
          region: 'eu-west-1',
          config: { app: 'variant' },
          stream: { mode: 'on-demand' },
          inference: { rcf: { image: 'builtin', modelDataUrl: artefact } },
        },
      },
    },
    {},
  );
  const { json, template } = variant;

  afterAll(() => variant.cleanup());

  it('runs SageMaker built-in RCF with the artefact, reading only that object', () => {
    template.hasResourceProperties('AWS::SageMaker::Model', {
      PrimaryContainer: {
        Image: '438346466558.dkr.ecr.eu-west-1.amazonaws.com/randomcutforest:1',
        ModelDataUrl: artefact,
        Mode: 'SingleModel',
      },
    });
    template.resourceCountIs('AWS::SageMaker::Endpoint', 1);
    const sagemakerStatements = allStatements(json).filter(
      (s) => s.type === 'AWS::IAM::Policy' && s.resource.startsWith('InferenceExecutionRole'),
    );
    const view = sagemakerStatements.map((s) => [
      s.statement.Sid,
      actionsOf(s.statement).join(','),
      resourcesOf(s.statement)
        .map((r) => render(r, {}))
        .join(','),
    ]);
    expect(view).toContainEqual([
      'ModelArtefacts',
      's3:GetObject',
      'arn:${Partition}:s3:::models-bucket/rcf/model.tar.gz',
    ]);
    // SageMaker pulls its own algorithm images: no ECR rights for the execution role.
    expect(view.some(([, actions]) => actions!.includes('ecr:'))).toBe(false);
  });

  it('creates an on-demand stream and runs the prebuilt worker image, with no image assets', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
    });
    const stream = json.Resources[only(json, 'AWS::Kinesis::Stream')]!.Properties!;
    expect(stream.ShardCount).toBeUndefined();
    const taskDef = json.Resources[workerTaskId(json)]!.Properties!;
    const [container] = taskDef.ContainerDefinitions as { Image: unknown }[];
    expect(render(container!.Image, {})).toContain('shardflow-worker:v7');
    // The execution role may pull that repository only.
    const pulls = allStatements(json).filter(
      (x) =>
        x.resource.startsWith('WorkerTaskExecutionRole') &&
        actionsOf(x.statement).includes('ecr:BatchGetImage'),
    );
    expect(pulls.map((x) => resourcesOf(x.statement).map((r) => render(r, {})))).toEqual([
      ['arn:${Partition}:ecr:eu-west-1:123456789012:repository/shardflow-worker'],
    ]);
    expect(JSON.stringify(json)).not.toContain('container-assets');
  });
});
