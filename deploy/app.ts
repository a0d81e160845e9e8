/**
 * @module deploy/app
 * The CDK app (`cdk.json` runs it with tsx): selects the environment with `-c env=<name>`
 * (default `dev`), resolves its settings from the context and synthesizes its stack.
 * Synthesis needs neither AWS credentials nor Docker: image assets are only staged here
 * and built by `cdk deploy`.
 */
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { buildApp } from './build-app.js';

const app = new App();
buildApp(app, {
  contextDirectory: fileURLToPath(new URL('..', import.meta.url)),
  account: process.env.CDK_DEFAULT_ACCOUNT,
  region: process.env.CDK_DEFAULT_REGION,
});
app.synth();
