/**
 * @module deploy/build-app
 * Adds the selected environment's stack to a CDK app. Shared by the `cdk` entry point
 * (`app.ts`) and the tests, so both synthesize the same thing from the same context.
 */
import type { App } from 'aws-cdk-lib';
import { settingsFrom, type DeploySettings } from './settings.js';
import { ShardflowStack } from './stack.js';

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  /** Repository root (the Docker build context). */
  readonly contextDirectory: string;
  /** The CLI's account (`CDK_DEFAULT_ACCOUNT`), used unless the environment names one. */
  readonly account?: string;
  /** The CLI's region (`CDK_DEFAULT_REGION`), used unless the environment names one. */
  readonly region?: string;
}

/** Resolves the settings from the app's context and adds their stack. */
export function buildApp(
  app: App,
  options: BuildAppOptions,
): { stack: ShardflowStack; settings: DeploySettings } {
  const settings = settingsFrom((key) => app.node.tryGetContext(key), options);
  const stack = new ShardflowStack(app, settings.stackName, {
    settings,
    contextDirectory: options.contextDirectory,
    env: { account: settings.account, region: settings.region },
    description: `shardflow ${settings.envName}: Kinesis stream, consumer workers, lake, inference`,
    terminationProtection: settings.retainData,
  });
  return { stack, settings };
}
