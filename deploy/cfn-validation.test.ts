/**
 * CDK's built-in CloudFormation validation passes for the dev and prod templates, with its
 * default rules as errors (by default CDK only warns). The other deploy tests synthesize
 * without it — it compiles a WebAssembly engine per test file (~10 s) and changes nothing
 * they assert — so it is checked here, once per environment, and shown to catch a bad template.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnResource, Stack, Stage } from 'aws-cdk-lib';
import { synthesize, type Synthesized } from './test-support.js';

const STRICT = { '@aws-cdk/core:validateAgainstDefaultRules': true };

interface Report {
  pluginReports: { pluginName: string; violations: { severity?: string }[] }[];
}

/** The validation report CDK writes next to the templates (absent if nothing validated). */
function reportOf(s: Synthesized): Report | undefined {
  const file = join(Stage.of(s.stack)!.outdir, 'validation-report.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Report) : undefined;
}

describe('CloudFormation validation (CDK built-in rules, as errors)', () => {
  it.each(['dev', 'prod'])('the %s template passes it', (env) => {
    const s = synthesize({ env, ...STRICT }, { region: 'us-east-1' }, { validate: true });
    try {
      const report = reportOf(s);
      expect(report).toBeDefined(); // the validation ran
      const errors = report!.pluginReports.flatMap((r) =>
        r.violations.filter((v) => v.severity === 'error' || v.severity === 'fatal'),
      );
      expect(errors).toEqual([]);
    } finally {
      s.cleanup();
    }
  });

  it('fails the synthesis of an invalid template', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'shardflow-cdk-'));
    try {
      const app = new App({ context: STRICT, outdir });
      const stack = new Stack(app, 'bad');
      new CfnResource(stack, 'Queue', {
        type: 'AWS::SQS::Queue',
        properties: { VisibilityTimeout: 'not a number', NoSuchProperty: true },
      });
      expect(() => app.synth()).toThrow(/NoSuchProperty|VisibilityTimeout/);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
