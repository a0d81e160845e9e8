/**
 * Helpers for integration tests against the local cloud started by the global set-up:
 * unique resource names (tests share one cloud), configuration and clients pointed at it,
 * polling until a condition holds, streams that are ACTIVE before a test uses them, a
 * whole DynamoDB table read page by page, and the `shardflow` CLI as a child process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { CreateStreamCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createAwsClients, type AwsClients } from '../adapters/index.js';
import { loadConfig, type Config, type ConfigFlags } from '../core/index.js';
import { waitStreamActive } from '../localstack/index.js';

/** A resource name unique to this test run, e.g. `t-stream-3f9a1c2b`. */
export function uniqueName(prefix: string): string {
  return `t-${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Configuration pointed at the shared local cloud, with unique resource names. */
export function testConfig(flags: ConfigFlags = {}): Config {
  if (!process.env.AWS_ENDPOINT_URL_KINESIS && !process.env.AWS_ENDPOINT_URL) {
    throw new Error('integration tests need the local cloud (run them through jest)');
  }
  return loadConfig(process.env, { app: uniqueName('app'), ...flags });
}

/** SDK clients for a configuration, with the local cloud's credentials from the env. */
export function testClients(config: Config): AwsClients {
  return createAwsClients(config, { maxAttempts: 2 });
}

/** Polls `check` until it returns a truthy value or the deadline passes. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 20_000, intervalMs = 100, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Waits up to `timeoutMs` until the stream `name` is ACTIVE (after a create, split or merge). */
export async function streamActive(
  kinesis: KinesisClient,
  name: string,
  timeoutMs = 20_000,
): Promise<void> {
  await waitStreamActive({ kinesis }, name, timeoutMs);
}

/** Creates the stream `name` with `shards` shards and waits up to `timeoutMs` until it is ACTIVE. */
export async function createActiveStream(
  kinesis: KinesisClient,
  name: string,
  shards: number,
  timeoutMs = 20_000,
): Promise<string> {
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  await streamActive(kinesis, name, timeoutMs);
  return name;
}

/** Every item of DynamoDB table `table` (a scan, page by page). */
export async function scanTable(
  aws: Pick<AwsClients, 'documents'>,
  table: string,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await aws.documents.send(
      new ScanCommand({ TableName: table, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Starts `shardflow <args>` from source as a child process of the test: in the repository,
 * `env` over the test's own environment, its stderr passed through (stdout ignored).
 */
export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', `${ROOT}cli/cli.ts`, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
