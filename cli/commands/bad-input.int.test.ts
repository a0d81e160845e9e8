/**
 * Bad input at the CLI's edges, as a new user meets it (the real CLI as a child process,
 * against the local cloud): a missing stream, an unreachable endpoint — each one line without
 * a class name or a stack, and exit code 1, within seconds. (Training input errors are in
 * cli/program.test.ts: they need no cloud.)
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { uniqueName } from '../../test/helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs `shardflow <args>`; resolves with exit code, stdout + stderr, and seconds taken. */
function shardflow(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 40_000) {
  const started = Date.now();
  return new Promise<{ code: number | null; out: string; err: string; seconds: number }>(
    (resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'cli/cli.ts', ...args], {
        cwd: root,
        env: { ...process.env, SHARDFLOW_APP: uniqueName('bad'), ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('exit', (code) => {
        clearTimeout(killer);
        resolve({ code, out, err, seconds: (Date.now() - started) / 1000 });
      });
    },
  );
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

const oneLine = (text: string) => {
  const lines = text.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(text).not.toMatch(/\b[A-Z]\w*(Error|Exception)\b|\n\s+at /);
  return lines[0]!;
};

describe('a missing stream', () => {
  it('consume --stream does-not-exist exits 1 at once with one line', async () => {
    const stream = uniqueName('does-not-exist');
    const r = await shardflow(['consume', '--stream', stream]);
    expect(oneLine(r.err)).toMatch(
      new RegExp(`^shardflow: stream ${stream} does not exist at http://\\S+ \\(set --stream`),
    );
    expect(r.code).toBe(1);
    expect(r.seconds).toBeLessThan(30); // it used to run for ever
  });

  it('consume --pipeline both does the same', async () => {
    const stream = uniqueName('does-not-exist');
    const r = await shardflow(['consume', '--pipeline', 'both', '--stream', stream]);
    expect(oneLine(r.err)).toContain(`stream ${stream} does not exist`);
    expect(r.code).toBe(1);
  });

  it('replay into a missing stream is one line, not a line per record', async () => {
    const stream = uniqueName('does-not-exist');
    const r = await shardflow([
      'replay',
      '--from',
      '2026-11-23T08:00:00Z',
      '--to',
      '2026-11-23T10:00:00Z',
      '--stream',
      stream,
    ]);
    expect(oneLine(r.err)).toContain(`stream ${stream} does not exist`);
    expect(r.out).toBe('');
    expect(r.code).toBe(1);
  });
});

describe('an unreachable endpoint', () => {
  it('produce says the connection was refused', async () => {
    const port = await closedPort();
    const r = await shardflow(['produce', 'devices', '--steps', '10'], {
      AWS_ENDPOINT_URL_KINESIS: `http://127.0.0.1:${port}`,
    });
    expect(oneLine(r.err)).toMatch(
      new RegExp(
        `^shardflow: cannot use stream \\S+ at http://127.0.0.1:${port}: connection refused`,
      ),
    );
    expect(r.code).toBe(1);
  });
});
