/**
 * `shardflow consume` as a container runs it: after SIGTERM it drains, checkpoints, releases
 * its leases and exits as soon as that is done — not when the drain deadline (30 s here)
 * runs out. Its /healthz and /metrics listen on loopback only.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createStream } from '../../producers/testing/stream-reader.js';
import { testClients, testConfig, uniqueName } from '../../test/helpers.js';
import { listeningAddresses } from '../../test/listening.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Starts `consume`, waits until it holds its leases, SIGTERMs it, and times the exit. */
async function stopAfterStart(args: string[], app: string, stream: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'cli/cli.ts', 'consume', '--stream', stream, '--http-port', '0', ...args],
    {
      cwd: root,
      env: {
        ...process.env,
        SHARDFLOW_APP: app,
        SHARDFLOW_DRAIN_DEADLINE_SECONDS: '30',
        SHARDFLOW_FAILOVER_MS: '3000',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const deadline = Date.now() + 40_000;
  while (!/"msg":"lease\.(taken|claimed)"/.test(out) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
  const port = Number(/"port":(\d+)/.exec(out)?.[1]);
  const listening = listeningAddresses(port);
  const signalled = Date.now();
  child.kill('SIGTERM');
  const code = await exited;
  return { code, seconds: (Date.now() - signalled) / 1000, out, listening };
}

describe('shardflow consume stops as soon as it drained', () => {
  const clients = testClients(testConfig());
  afterAll(() => clients.destroy());

  it('writing records: exits 0 within seconds of SIGTERM, not after the 30 s deadline', async () => {
    const stream = uniqueName('drain');
    await createStream(clients.kinesis, stream, 1);
    const r = await stopAfterStart([], uniqueName('drain'), stream);
    expect(r.out).toContain('consumer stopped; leases released');
    // /healthz and /metrics: loopback only, by default
    expect(r.listening).toEqual(['127.0.0.1']);
    expect(r.code).toBe(0);
    expect(r.seconds).toBeLessThan(15);
  }, 70_000);

  it('running the pipelines: the same', async () => {
    const stream = uniqueName('drain');
    await createStream(clients.kinesis, stream, 1);
    const r = await stopAfterStart(['--pipeline', 'both'], uniqueName('drain'), stream);
    expect(r.out).toContain('pipeline worker stopped; leases released');
    expect(r.code).toBe(0);
    expect(r.seconds).toBeLessThan(15);
  }, 70_000);
});
