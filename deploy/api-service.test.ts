/**
 * CDK assertions of the API service (issue 14): the dev environment with an `api` entry,
 * synthesized once offline. HTTPS-only load balancer (TLS policy, certificate, port 80
 * redirects), the API key from Secrets Manager as a container secret (never a plain
 * variable), exactly the read permissions the API needs plus the ingest's puts, traffic to
 * the tasks only from the load balancer, `/healthz` health checks; the Dockerfile's rules.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { API_COMMAND, API_PORT, apiSettingsFrom } from './api-service.js';
import { lintDockerfile } from './dockerfile-lint.js';
import {
  actionsOf,
  allStatements,
  cdkJsonContext,
  render,
  resourcesOf,
  synthesize,
  wildcardFindings,
  type Synthesized,
} from './test-support.js';

const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
let dev: Synthesized;
let names: Record<string, string>;

beforeAll(() => {
  const environments = cdkJsonContext()['shardflow:environments'] as Record<string, object>;
  dev = synthesize({
    'shardflow:environments': {
      ...environments,
      dev: { ...environments.dev, api: { certificateArn: CERT, allowFrom: '203.0.113.0/24' } },
    },
  });
  names = {};
  for (const [id, r] of Object.entries(dev.json.Resources)) {
    const p = r.Properties ?? {};
    const name = (p.TableName ?? p.BucketName ?? p.Name) as string | undefined;
    if (r.Type === 'AWS::KMS::Key') names[id] = 'key';
    else if (r.Type === 'AWS::Kinesis::Stream') names[id] = 'stream';
    else if (typeof name === 'string') names[id] = name;
  }
});
afterAll(() => dev?.cleanup());

describe('the API service', () => {
  it('is reached over HTTPS only: TLS 1.2+ policy, the certificate, port 80 redirects', () => {
    dev.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
      ]),
    });
    dev.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      Certificates: [{ CertificateArn: CERT }],
      SslPolicy: Match.stringLikeRegexp('^ELBSecurityPolicy-TLS13-1-2'),
    });
    dev.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [
        Match.objectLike({
          Type: 'redirect',
          RedirectConfig: Match.objectLike({ Protocol: 'HTTPS', Port: '443' }),
        }),
      ],
    });
    const listeners = dev.template.findResources('AWS::ElasticLoadBalancingV2::Listener');
    expect(
      Object.values(listeners)
        .map((l) => l.Properties.Port)
        .sort(),
    ).toEqual([443, 80]);
    dev.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/healthz',
      TargetType: 'ip',
    });
    dev.template.hasResourceProperties('AWS::ECS::Service', {
      ServiceName: 'shardflow-dev-api',
      LoadBalancers: [Match.objectLike({ ContainerName: 'api', ContainerPort: API_PORT })],
    });
  });

  it('runs `shardflow api` with the key from Secrets Manager, never as a plain variable', () => {
    dev.template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'shardflow-dev/api-key',
      GenerateSecretString: Match.objectLike({ PasswordLength: 40 }),
    });
    const tasks = dev.template.findResources('AWS::ECS::TaskDefinition', {
      Properties: { Family: 'shardflow-dev-api' },
    });
    const [task] = Object.values(tasks);
    const container = task?.Properties.ContainerDefinitions[0];
    expect(container.Command).toEqual(API_COMMAND);
    expect(container.PortMappings).toEqual([expect.objectContaining({ ContainerPort: API_PORT })]);
    const env = Object.fromEntries(
      (container.Environment as { Name: string; Value: string }[]).map((e) => [e.Name, e.Value]),
    );
    expect(env).toMatchObject({
      SHARDFLOW_READINGS_TABLE: 'shardflow-dev-readings-store',
      SHARDFLOW_ANOMALIES_TABLE: 'shardflow-dev-anomalies',
      SHARDFLOW_STREAM: 'shardflow-dev-readings',
    });
    expect(Object.keys(env).some((k) => /API_KEY/.test(k))).toBe(false);
    expect(container.Secrets).toEqual([
      { Name: 'SHARDFLOW_API_KEY', ValueFrom: { Ref: expect.stringMatching(/ApiKey/) } },
    ]);
  });

  it('may read exactly the tables, leases and dead letters it serves, and put on the stream', () => {
    const role = Object.keys(dev.json.Resources).find((id) => /^ApiTaskRole/.test(id));
    const statements = allStatements(dev.json)
      .filter((s) => s.type === 'AWS::IAM::Policy')
      .filter((s) =>
        JSON.stringify(dev.json.Resources[s.resource]?.Properties?.Roles).includes(role ?? '?'),
      )
      .map(({ statement }) => ({
        sid: statement.Sid,
        actions: actionsOf(statement),
        resources: resourcesOf(statement).map((r) => render(r, names)),
      }));
    expect(statements).toEqual([
      {
        sid: 'QueryResults',
        actions: ['dynamodb:GetItem', 'dynamodb:Query'],
        resources: [
          'shardflow-dev-readings-store.Arn',
          'shardflow-dev-predictions.Arn',
          'shardflow-dev-anomalies.Arn',
        ],
      },
      {
        sid: 'ScanAnomaliesAndLeases',
        actions: ['dynamodb:Scan'],
        resources: ['shardflow-dev-anomalies.Arn', 'shardflow-dev-leases.Arn'],
      },
      {
        sid: 'ListDeadLetters',
        actions: ['s3:ListBucket'],
        resources: [expect.stringMatching(/\.Arn$/)],
      },
      {
        sid: 'ReadDeadLetters',
        actions: ['s3:GetObject'],
        resources: [expect.stringMatching(/\.Arn\/dead-letters\/\*$/)],
      },
      { sid: 'LakeKeyViaS3', actions: ['kms:Decrypt'], resources: ['key.Arn'] },
      {
        sid: 'IngestToStream',
        actions: ['kinesis:ListShards', 'kinesis:PutRecord', 'kinesis:PutRecords'],
        resources: ['stream.Arn'],
      },
      { sid: 'StreamKeyViaKinesis', actions: ['kms:GenerateDataKey'], resources: ['key.Arn'] },
    ]);
    expect(wildcardFindings(dev.json)).toEqual([]);
  });

  it('lets only the load balancer reach the tasks, and only the allowed network reach the load balancer', () => {
    const groups = dev.template.findResources('AWS::EC2::SecurityGroup', {
      Properties: { GroupDescription: Match.stringLikeRegexp('api: from the load balancer only') },
    });
    const [id, group] = Object.entries(groups)[0] ?? [];
    expect(group?.Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({
        CidrIp: '0.0.0.0/0',
        FromPort: 443,
        ToPort: 443,
        IpProtocol: 'tcp',
      }),
    ]);
    const ingress = Object.values(
      dev.template.findResources('AWS::EC2::SecurityGroupIngress'),
    ).filter((r) => JSON.stringify(r.Properties.GroupId).includes(id ?? '?'));
    expect(ingress).toHaveLength(1);
    expect(ingress[0]?.Properties).toMatchObject({
      FromPort: API_PORT,
      SourceSecurityGroupId: expect.anything(),
    });
    const lbGroups = Object.values(
      dev.template.findResources('AWS::EC2::SecurityGroup', {
        Properties: { GroupDescription: Match.stringLikeRegexp('Security Group for ELB .*Api') },
      }),
    );
    const cidrs = lbGroups.flatMap((g) =>
      (g.Properties.SecurityGroupIngress ?? []).map((i: { CidrIp: string }) => i.CidrIp),
    );
    expect([...new Set(cidrs)]).toEqual(['203.0.113.0/24']);
  });
});

describe('api settings and image', () => {
  it('are optional per environment and validated', () => {
    const table = { dev: { api: { certificateArn: 'nope' } }, prod: {} };
    const context = (key: string) => (key === 'shardflow:environments' ? table : undefined);
    expect(apiSettingsFrom(context, 'prod')).toBeUndefined();
    expect(() => apiSettingsFrom(context, 'dev')).toThrow(
      /shardflow:environments\.dev\.api\.certificateArn/,
    );
  });

  it('api.Dockerfile keeps the image rules and ships the dashboard files', () => {
    const text = readFileSync(join(process.cwd(), 'deploy', 'docker', 'api.Dockerfile'), 'utf8');
    expect(lintDockerfile(text, { command: API_COMMAND, port: API_PORT })).toEqual([]);
    expect(text).toContain('COPY --from=build /app/api/dashboard ./dist/api/dashboard');
  });
});
