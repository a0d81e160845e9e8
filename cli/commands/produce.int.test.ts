import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createStream, readAll } from '../../producers/testing/stream-reader.js';
import { testClients, testConfig, uniqueName } from '../../test/helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the real CLI as a child process; resolves with its exit code and stderr. */
function cli(args: string[], onStarted?: (child: ReturnType<typeof spawn>) => void) {
  return new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/cli.ts', ...args], {
      cwd: root,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (onStarted && stderr.includes('delivered')) {
        onStarted(child);
        onStarted = undefined;
      }
    });
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('shardflow produce (the CLI, against the local cloud)', () => {
  const clients = testClients(testConfig());
  afterAll(() => clients.destroy());

  it('produce devices puts every simulated reading and writes the anomaly labels', async () => {
    const stream = uniqueName('cli-dev');
    await createStream(clients.kinesis, stream, 2);
    const labels = join(mkdtempSync(join(tmpdir(), 'sf-labels-')), 'labels.jsonl');
    const { code, stderr } = await cli([
      'produce',
      'devices',
      '--stream',
      stream,
      '--devices',
      '3',
      '--steps',
      '600',
      '--speed',
      'Infinity',
      '--seed',
      '5',
      '--labels',
      labels,
    ]);
    expect(code).toBe(0);
    const done = /done: (\d+) delivered, 0 failed/.exec(stderr);
    expect(done).not.toBeNull();
    const back = await readAll(clients.kinesis, stream);
    expect(back).toHaveLength(Number(done![1]));
    expect(back.length).toBeGreaterThan(0.8 * 3 * 600);
    const lines = readFileSync(labels, 'utf8').trim().split('\n').filter(Boolean);
    for (const l of lines) expect(JSON.parse(l)).toHaveProperty('kind');
  });

  it('produce households drains on SIGTERM and reports what it delivered', async () => {
    const stream = uniqueName('cli-hh');
    await createStream(clients.kinesis, stream, 1);
    const { code, stderr } = await cli(
      ['produce', 'households', '--stream', stream, '--households', '2', '--speed', '6000'],
      (child) => child.kill('SIGTERM'),
    );
    expect(code).toBe(0);
    expect(stderr).toContain('stopping: draining the producer');
    const done = /done: (\d+) delivered, 0 failed/.exec(stderr);
    expect(done).not.toBeNull();
    // Everything it accepted before the signal is in the stream, and it stopped early.
    const back = await readAll(clients.kinesis, stream);
    expect(back).toHaveLength(Number(done![1]));
    expect(back.length).toBeLessThan(2 * 2_880);
  });
});
