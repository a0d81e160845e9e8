/**
 * @module deploy/test-support
 * Helpers for the CDK assertion tests: synthesize an environment of `deploy/cdk.json`
 * offline (no credentials, no Docker), render CloudFormation intrinsics to readable strings
 * (`stream.Arn/consumer/*`) so permissions can be compared exactly, and find every policy
 * statement in a template. Test-only; not exported from the folder's index.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from './build-app.js';
import type { DeploySettings } from './settings.js';
import type { ShardflowStack } from './stack.js';

/** The repository root (jest runs from it). */
export const REPO_ROOT = process.cwd();

/** The `context` of `deploy/cdk.json`, as the CDK CLI would pass it. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'deploy', 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

/** A synthesized environment. */
export interface Synthesized {
  readonly stack: ShardflowStack;
  readonly settings: DeploySettings;
  readonly template: Template;
  /** The raw template JSON. */
  readonly json: CfnTemplate;
  /** Removes the cloud assembly from the temp folder. */
  readonly cleanup: () => void;
}

/** CloudFormation resources by logical id. */
export interface CfnTemplate {
  readonly Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

/**
 * Synthesizes one environment with extra context (e.g. `{ env: 'prod' }`).
 *
 * The template is the same either way, but by default two costs that no assertion reads
 * are skipped: CDK's built-in CloudFormation validation (a WebAssembly engine compiled per
 * test file, ~10 s of a synthesis; `cfn-validation.test.ts` checks it once, as errors) and
 * copying the image contexts into the assembly (the asset hashes are computed all the same).
 * `options.validate` keeps the validation on.
 */
export function synthesize(
  context: Record<string, unknown> = {},
  defaults: { region?: string } = { region: 'us-east-1' },
  options: { validate?: boolean } = {},
): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'shardflow-cdk-'));
  const app = new App({
    context: { ...cdkJsonContext(), 'aws:cdk:disable-asset-staging': true, ...context },
    outdir,
    builtinCloudFormationValidation: options.validate ?? false,
  });
  const { stack, settings } = buildApp(app, { contextDirectory: REPO_ROOT, ...defaults });
  const template = Template.fromStack(stack);
  const cleanup = () => rmSync(outdir, { recursive: true, force: true });
  return { stack, settings, template, json: template.toJSON() as CfnTemplate, cleanup };
}

/** Logical id of the only resource of a type (throws if not exactly one). */
export function only(json: CfnTemplate, type: string): string {
  const ids = Object.keys(json.Resources).filter((id) => json.Resources[id]?.Type === type);
  if (ids.length !== 1) throw new Error(`expected one ${type}, found ${ids.length}`);
  return ids[0]!;
}

/** Logical id of the workers' task definition (family `<app>-worker`; others run other tasks). */
export function workerTaskId(json: CfnTemplate): string {
  const ids = Object.keys(json.Resources).filter(
    (id) =>
      json.Resources[id]?.Type === 'AWS::ECS::TaskDefinition' &&
      String(json.Resources[id]?.Properties?.Family ?? '').endsWith('-worker'),
  );
  if (ids.length !== 1) throw new Error(`expected one worker task definition, found ${ids.length}`);
  return ids[0]!;
}

/**
 * Renders an intrinsic value as a string: `Ref AWS::Region` → `${region}`, a `GetAtt` of a
 * named resource → `<name>.Arn`, a `Join` → the concatenation. `names` maps logical ids to
 * readable names.
 */
export function render(value: unknown, names: Readonly<Record<string, string>>): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map((v) => render(v, names)).join(', ')}]`;
  if (value && typeof value === 'object') {
    const [key, arg] = Object.entries(value)[0] ?? [];
    if (key === 'Ref') {
      const pseudo = /^AWS::(\w+)$/.exec(String(arg));
      return pseudo ? `\${${pseudo[1]}}` : `${names[String(arg)] ?? arg}.Ref`;
    }
    if (key === 'Fn::GetAtt') {
      const [id, attr] = arg as [string, string];
      return `${names[id] ?? id}.${attr}`;
    }
    if (key === 'Fn::Join') {
      const [sep, parts] = arg as [string, unknown[]];
      return parts.map((p) => render(p, names)).join(sep);
    }
    return JSON.stringify(value);
  }
  return String(value);
}

/** A policy statement found in a template, with where it was found. */
export interface FoundStatement {
  readonly resource: string;
  readonly type: string;
  readonly statement: {
    Sid?: string;
    Effect: string;
    Action?: string | string[];
    Resource?: unknown;
    Condition?: Record<string, Record<string, unknown>>;
    Principal?: unknown;
  };
}

/** Every statement of every policy document in the template (identity and resource). */
export function allStatements(json: CfnTemplate): FoundStatement[] {
  const found: FoundStatement[] = [];
  const docs = (props: Record<string, unknown>): unknown[] => [
    props.PolicyDocument,
    props.KeyPolicy,
    props.AssumeRolePolicyDocument,
    ...((props.Policies as { PolicyDocument: unknown }[] | undefined) ?? []).map(
      (p) => p.PolicyDocument,
    ),
  ];
  for (const [id, r] of Object.entries(json.Resources)) {
    for (const doc of docs(r.Properties ?? {})) {
      const statements = (doc as { Statement?: FoundStatement['statement'][] } | undefined)
        ?.Statement;
      for (const statement of statements ?? [])
        found.push({ resource: id, type: r.Type, statement });
    }
  }
  return found;
}

/** Actions of a statement as a sorted array. */
export function actionsOf(statement: FoundStatement['statement']): string[] {
  const a = statement.Action ?? [];
  return (Array.isArray(a) ? a : [a]).slice().sort();
}

/** Resources of a statement as an array. */
export function resourcesOf(statement: FoundStatement['statement']): unknown[] {
  const r = statement.Resource ?? [];
  return Array.isArray(r) ? r : [r];
}

/** Actions for which AWS offers no resource-level permission: `Resource: "*"` is the only form. */
export const STAR_ONLY_ACTIONS = new Set(['ecr:GetAuthorizationToken', 'cloudwatch:PutMetricData']);

/**
 * Wildcard findings: `Action: "*"` anywhere; in identity policies also `service:*` actions
 * and `Resource: "*"` for anything but {@link STAR_ONLY_ACTIONS} (PutMetricData only with a
 * namespace condition). Resource policies use "*" for "this resource" and are exempt.
 */
export function wildcardFindings(json: CfnTemplate): string[] {
  const findings: string[] = [];
  for (const { resource, type, statement } of allStatements(json)) {
    const actions = actionsOf(statement);
    if (actions.some((a) => a === '*')) findings.push(`${resource}: Action "*"`);
    if (type !== 'AWS::IAM::Policy' && type !== 'AWS::IAM::Role') continue;
    if (statement.Principal) continue; // trust policy
    if (actions.some((a) => a.endsWith(':*'))) findings.push(`${resource}: ${actions.join(',')}`);
    if (!resourcesOf(statement).includes('*')) continue;
    const unjustified = actions.filter((a) => !STAR_ONLY_ACTIONS.has(a));
    if (unjustified.length > 0) findings.push(`${resource}: ${unjustified.join(',')} on "*"`);
    if (
      actions.includes('cloudwatch:PutMetricData') &&
      !statement.Condition?.StringEquals?.['cloudwatch:namespace']
    )
      findings.push(`${resource}: PutMetricData on "*" without a namespace condition`);
  }
  return findings;
}
