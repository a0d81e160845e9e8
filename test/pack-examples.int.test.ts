/**
 * The package as a user gets it: `npm pack` (the built `dist/`, `npm run build` first — CI
 * does), the tarball installed into a fresh project with `npm install --offline` (its
 * dependencies are linked from this checkout's node_modules, so no registry is needed), the
 * examples type-checked and compiled there against the installed type declarations only, and
 * run as plain Node programs against the embedded local cloud: a producer, a plain consumer
 * and the temperature-drift pipeline.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { cpSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateStreamCommand, DeleteStreamCommand } from '@aws-sdk/client-kinesis';
import type { Config } from '../core/index.js';
import { testClients, testConfig, uniqueName, waitFor } from './helpers.js';
import { waitStreamActive } from '../localstack/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Packs the package and installs the tarball into a new project; returns the project dir. */
function installPackedPackage(work: string): string {
  if (!existsSync(join(root, 'dist', 'index.js'))) {
    execFileSync(npm, ['run', 'build'], { cwd: root, stdio: 'ignore' });
  }
  const packed = execFileSync(
    npm,
    ['pack', '--ignore-scripts', '--silent', '--pack-destination', work],
    { cwd: root, encoding: 'utf8' },
  );
  const tarball = join(work, packed.trim().split('\n').pop() as string);
  const project = join(work, 'project');
  mkdirSync(join(project, 'node_modules'), { recursive: true });
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'uses-shardflow', version: '1.0.0', private: true, type: 'module' }),
  );
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  for (const name of Object.keys(pkg.dependencies)) {
    mkdirSync(dirname(join(project, 'node_modules', name)), { recursive: true });
    symlinkSync(join(root, 'node_modules', name), join(project, 'node_modules', name));
  }
  execFileSync(
    npm,
    [
      'install',
      '--offline',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--no-package-lock',
      tarball,
    ],
    { cwd: project, stdio: 'ignore' },
  );
  return project;
}

/** Copies the examples in and compiles them with strict TypeScript against the package. */
function compileExamples(project: string): void {
  cpSync(join(root, 'examples'), join(project, 'examples'), { recursive: true });
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        skipLibCheck: true,
        outDir: 'out',
        types: ['node'],
        typeRoots: [join(root, 'node_modules', '@types')],
      },
      include: ['examples'],
    }),
  );
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc')], {
    cwd: project,
    encoding: 'utf8',
  });
}

/** A running example: its stdout lines so far, and its exit. */
function start(project: string, name: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [join(project, 'out', `${name}.js`)], {
    cwd: project,
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let rest = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    const parts = (rest + String(chunk)).split('\n');
    rest = parts.pop() ?? '';
    lines.push(...parts.filter((l) => l.startsWith('{')));
  });
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  /** Resolves when the program exited with 0; rejects with its stderr otherwise. */
  const succeeded = exited.then((code) => {
    if (code !== 0) throw new Error(`${name} exited with ${code}: ${stderr.slice(-2_000)}`);
  });
  return { child, lines, succeeded };
}

describe('the packed package and its examples', () => {
  let work: string;
  let project: string;
  let config: Config;
  const env = (more: Record<string, string> = {}) => ({
    SHARDFLOW_APP: config.app,
    SHARDFLOW_FAILOVER_MS: '2000',
    SHARDFLOW_HTTP_PORT: '0',
    ...more,
  });

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'shardflow-pack-'));
    project = installPackedPackage(work);
    compileExamples(project);
    config = testConfig();
    const aws = testClients(config);
    await aws.kinesis.send(
      new CreateStreamCommand({ StreamName: config.streamName, ShardCount: 2 }),
    );
    await waitStreamActive(aws, config.streamName);
    aws.destroy();
  }, 240_000);

  afterAll(async () => {
    const aws = testClients(config);
    await aws.kinesis.send(new DeleteStreamCommand({ StreamName: config.streamName }));
    aws.destroy();
    rmSync(work, { recursive: true, force: true });
  });

  it('installs with only the public files and subpaths', () => {
    const installed = join(project, 'node_modules', 'shardflow');
    expect(readdirSync(installed).sort()).toEqual(['README.md', 'dist', 'package.json']);
    expect(existsSync(join(installed, 'dist', 'index.d.ts'))).toBe(true);
    expect(existsSync(join(installed, 'dist', 'deploy'))).toBe(false);
  });

  it('runs the producer, the plain consumer and the drift pipeline', async () => {
    const produced = start(project, 'produce-readings', env({ READINGS: '20', STEP_C: '5' }));
    await produced.succeeded;
    expect(produced.lines.map((l) => JSON.parse(l))).toEqual([{ put: 40 }]);

    const plain = start(project, 'plain-consumer', env({ SHARDFLOW_LEASE_TABLE: uniqueName('l') }));
    const drift = start(
      project,
      'temperature-drift',
      env({ SHARDFLOW_LEASE_TABLE: uniqueName('l') }),
    );
    await waitFor(() => plain.lines.length >= 40, { timeoutMs: 60_000, what: '40 records' });
    await waitFor(() => drift.lines.length >= 1, { timeoutMs: 30_000, what: 'a drift alert' });
    await new Promise((r) => setTimeout(r, 1_000)); // anything else would have come by now
    plain.child.kill('SIGTERM');
    drift.child.kill('SIGTERM');
    await plain.succeeded;
    await drift.succeeded;

    const records = plain.lines.map((l) => JSON.parse(l) as { key: string; data: string });
    expect(records).toHaveLength(40);
    expect(new Set(records.map((r) => r.data)).size).toBe(40);
    const alerts = drift.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(alerts).toEqual([
      expect.objectContaining({ alert: 'temperature-drift', deviceId: 'dev-0', base: 21 }),
    ]);
  }, 120_000);
});
