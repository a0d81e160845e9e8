/**
 * CDK assertions for what an operator relies on in AWS (issue 12, "Deploy"): the worker task
 * runs the pipelines (not a log-only `consume`), names only endpoints that exist, and has a
 * read-only root file system; SageMaker encrypts its volumes with the stack's key; CloudWatch
 * may use that key only for this account; `prod` workers live in isolated subnets with VPC
 * endpoints for every API they call, and no route to the internet.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDockerfile } from './dockerfile-lint.js';
import { shippedModelDir } from './inference.js';
import { settingsFrom } from './settings.js';
import { WORKER_COMMAND } from './worker-service.js';
import {
  REPO_ROOT,
  only,
  render,
  synthesize,
  type CfnTemplate,
  type Synthesized,
  workerTaskId,
} from './test-support.js';

let dev: Synthesized;
let prod: Synthesized;

beforeAll(() => {
  dev = synthesize();
  prod = synthesize({ env: 'prod' });
});
afterAll(() => {
  dev?.cleanup();
  prod?.cleanup();
});

interface Container {
  Command: string[];
  Environment: { Name: string; Value: string }[];
  ReadonlyRootFilesystem?: boolean;
}
const container = (json: CfnTemplate): Container =>
  (json.Resources[workerTaskId(json)]!.Properties!.ContainerDefinitions as Container[])[0]!;

/** The argv the container's `sh -c '… exec <quoted argv>'` finally runs. */
function execArgv(command: readonly string[]): string[] {
  const script = command[2] ?? '';
  const tail = script.slice(script.indexOf('exec ') + 'exec '.length);
  return [...tail.matchAll(/'((?:[^']|'\\'')*)'/g)].map((m) => m[1]!.replace(/'\\''/g, "'"));
}

describe('the worker task', () => {
  it('runs both pipelines, scoring households on the deployed RCF endpoint', () => {
    expect(container(dev.json).Command.slice(0, 2)).toEqual(['sh', '-c']);
    expect(execArgv(container(dev.json).Command)).toEqual([
      'node',
      'dist/cli/cli.js',
      'consume',
      '--pipeline',
      'both',
      '--remote-rcf',
      '--models',
      `s3://${dev.settings.config.bucketName}/models`,
    ]);
    // the script is the compiled CLI entry point, the one `shardflow` is installed as
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(pkg.bin.shardflow).toBe(WORKER_COMMAND[1]);
    expect(existsSync(join(REPO_ROOT, 'cli', 'cli.ts'))).toBe(true);
  });

  it('runs the pipelines without --remote-rcf where no RCF endpoint is deployed', () => {
    const bare = synthesize({
      env: 'bare',
      'shardflow:environments': { bare: { config: { app: 'bare' } } },
    });
    try {
      expect(execArgv(container(bare.json).Command).slice(2)).toEqual([
        'consume',
        '--pipeline',
        'both',
        '--models',
        `s3://${bare.settings.config.bucketName}/models`,
      ]);
      const names = container(bare.json).Environment.map((e) => e.Name);
      expect(names).not.toContain('SHARDFLOW_RCF_ENDPOINT');
      expect(names).not.toContain('SHARDFLOW_FORECAST_ENDPOINT');
    } finally {
      bare.cleanup();
    }
  });

  it('sets an endpoint variable only where that endpoint exists', () => {
    const env = (s: Synthesized) =>
      Object.fromEntries(container(s.json).Environment.map((e) => [e.Name, e.Value]));
    const endpoints = (s: Synthesized) =>
      Object.values(s.template.findResources('AWS::SageMaker::Endpoint')).map(
        (e) => (e.Properties as { EndpointName: string }).EndpointName,
      );
    // dev deploys the RCF endpoint only
    expect(endpoints(dev)).toEqual([dev.settings.config.rcfEndpointName]);
    expect(env(dev).SHARDFLOW_RCF_ENDPOINT).toBe(dev.settings.config.rcfEndpointName);
    expect(env(dev)).not.toHaveProperty('SHARDFLOW_FORECAST_ENDPOINT');
    // prod deploys both
    expect(endpoints(prod).sort()).toEqual(
      [prod.settings.config.rcfEndpointName, prod.settings.config.forecastEndpointName].sort(),
    );
    expect(env(prod).SHARDFLOW_FORECAST_ENDPOINT).toBe(prod.settings.config.forecastEndpointName);
  });

  it('has a read-only root file system', () => {
    expect(container(dev.json).ReadonlyRootFilesystem).toBe(true);
    expect(container(prod.json).ReadonlyRootFilesystem).toBe(true);
  });
});

describe('the endpoints the worker calls', () => {
  it('serve the shipped model baked into the project image when there is no artefact', () => {
    const models = Object.values(dev.template.findResources('AWS::SageMaker::Model'));
    expect(models).toHaveLength(1);
    const env = (models[0]!.Properties.PrimaryContainer as { Environment?: Record<string, string> })
      .Environment;
    expect(env).toEqual({ SHARDFLOW_MODEL_DIR: shippedModelDir('rcf') });
    // the image holds that folder: model-server/models/rcf of the repository, copied as is
    const copies = parseDockerfile(
      readFileSync(join(REPO_ROOT, 'deploy', 'docker', 'model-server.Dockerfile'), 'utf8'),
    ).filter((i) => i.keyword === 'COPY');
    expect(copies.map((i) => i.args)).toContain(
      '--from=build /app/model-server/models ./model-server/models',
    );
    expect(shippedModelDir('rcf')).toBe('/app/model-server/models/rcf');
    expect(existsSync(join(REPO_ROOT, 'model-server', 'models', 'rcf', 'model.json'))).toBe(true);
    expect(existsSync(join(REPO_ROOT, 'model-server', 'models', 'forecast', 'model.json'))).toBe(
      true,
    );
  });
});

describe('encryption', () => {
  it('encrypts every SageMaker endpoint configuration with the stack key', () => {
    for (const s of [dev, prod]) {
      const key = only(s.json, 'AWS::KMS::Key');
      const configs = Object.values(s.template.findResources('AWS::SageMaker::EndpointConfig'));
      expect(configs.length).toBeGreaterThan(0);
      for (const c of configs)
        expect(c.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [key, 'Arn'] });
    }
  });

  it('lets CloudWatch use the key only on behalf of this account', () => {
    const key = dev.json.Resources[only(dev.json, 'AWS::KMS::Key')]!.Properties!;
    const statements = (key.KeyPolicy as { Statement: Record<string, unknown>[] }).Statement;
    const cloudwatch = statements.filter(
      (st) =>
        (st.Principal as { Service?: unknown } | undefined)?.Service === 'cloudwatch.amazonaws.com',
    );
    expect(cloudwatch).toHaveLength(1);
    expect(cloudwatch[0]!.Condition).toEqual({
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
    });
  });
});

describe('the workers network', () => {
  const service = (s: Synthesized) =>
    s.json.Resources[only(s.json, 'AWS::ECS::Service')]!.Properties!.NetworkConfiguration as {
      AwsvpcConfiguration: { AssignPublicIp: string; Subnets: { Ref: string }[] };
    };

  it('prod: isolated subnets, no public IP, no internet gateway or NAT', () => {
    const net = service(prod).AwsvpcConfiguration;
    expect(net.AssignPublicIp).toBe('DISABLED');
    for (const { Ref } of net.Subnets) {
      const subnet = prod.json.Resources[Ref]!.Properties!;
      expect(subnet.MapPublicIpOnLaunch).toBe(false);
      expect(subnet.Tags).toContainEqual({ Key: 'aws-cdk:subnet-type', Value: 'Isolated' });
    }
    prod.template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    prod.template.resourceCountIs('AWS::EC2::NatGateway', 0);
  });

  it('prod: a VPC endpoint for every AWS API the worker calls', () => {
    const services = Object.values(prod.template.findResources('AWS::EC2::VPCEndpoint')).map((e) =>
      render(e.Properties.ServiceName, {}).replace(
        /^.*(\$\{Region\}|com\.amazonaws\.[a-z0-9-]+)\./,
        '',
      ),
    );
    expect(services.sort()).toEqual(
      [
        'dynamodb',
        's3',
        'kinesis-streams',
        'kinesis-firehose',
        'logs',
        'ecr.api',
        'ecr.dkr',
        'sagemaker.runtime',
      ].sort(),
    );
  });

  it('dev: public subnets with a public IP (no NAT, no interface endpoints to pay for)', () => {
    expect(service(dev).AwsvpcConfiguration.AssignPublicIp).toBe('ENABLED');
    dev.template.resourceCountIs('AWS::EC2::NatGateway', 0);
    const types = Object.values(dev.template.findResources('AWS::EC2::VPCEndpoint')).map(
      (e) => e.Properties.VpcEndpointType as string | undefined,
    );
    expect(types.every((t) => t === undefined || t === 'Gateway')).toBe(true);
  });

  it('refuses private subnets with an image they cannot pull', () => {
    const context = (key: string) =>
      ({
        env: 'x',
        'shardflow:environments': {
          x: { worker: { subnets: 'private', image: 'docker.io/library/node:20' } },
        },
      })[key];
    expect(() => settingsFrom(context)).toThrow(/worker\.image: private subnets reach only ECR/);
  });
});
