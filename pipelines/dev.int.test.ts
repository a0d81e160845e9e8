import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Runs `shardflow dev` as a user would and collects its output and exit code. */
function runDev(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; out: string }> {
  const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, 'dev', ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

const withoutEndpoints = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_ENDPOINT_URL')),
  );

describe('shardflow dev (walking skeleton)', () => {
  it('starts its own local cloud, writes and reads back readings, and exits 0 after --duration', async () => {
    const { code, out } = await runDev(['--duration', '4', '--rate', '50'], withoutEndpoints());
    expect(out).toContain('starting the embedded local cloud');
    const summary = /put (\d+) readings .* read back (\d+) \((\d+) invalid\)/.exec(out);
    expect(summary).not.toBeNull();
    const [, put, read, invalid] = summary!.map(Number);
    expect(put).toBeGreaterThanOrEqual(100);
    expect(read).toBe(put);
    expect(invalid).toBe(0);
    expect(code).toBe(0);
  });

  it('uses the endpoints from the environment when AWS_ENDPOINT_URL_KINESIS is set', async () => {
    const { code, out } = await runDev(['--duration', '2', '--rate', '20'], {
      ...process.env,
      SHARDFLOW_STREAM: 'no-such-stream-for-dev',
    });
    expect(out).toContain(
      'using the endpoints from the environment (stream no-such-stream-for-dev)',
    );
    expect(out).toMatch(/ResourceNotFoundException|not found/i);
    expect(out.trim().split('\n').at(-1)).toMatch(/^shardflow: /);
    expect(code).toBe(1);
  });

  it('rejects bad configuration with one line naming the field', async () => {
    const { code, out } = await runDev(['--duration', '1'], {
      ...withoutEndpoints(),
      AWS_REGION: 'moon-1a',
    });
    expect(out.trim()).toBe(
      'shardflow: invalid configuration: region (from AWS_REGION): is not an AWS region name such as eu-west-1 (got "moon-1a")',
    );
    expect(code).toBe(1);
  });
});
