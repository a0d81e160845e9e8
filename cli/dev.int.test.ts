/**
 * `shardflow dev` as a user runs it (a child process, not a TTY): against the endpoints of the
 * test cloud it creates its resources, produces devices and households, runs two worker
 * processes that share the leases, prints compact live lines, and on SIGHUP (the terminal
 * closing; SIGTERM and Ctrl-C take the same path) drains in order — its summary then says
 * everything produced was consumed and written, it exits 0, and none of its worker processes
 * is left. Without endpoints it starts (and stops) its own local cloud and ends by itself
 * after --duration; killed with SIGKILL, its workers, emulators and temporary folder are gone
 * within seconds. Bad configuration is one line and exit 1.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { createAwsClients, type AwsClients } from '../adapters/index.js';
import { loadConfig } from '../core/index.js';
import { uniqueName } from '../test/helpers.js';

interface Run {
  readonly code: Promise<number | null>;
  out(): string;
  signal(s: NodeJS.Signals): void;
}

/** Starts `shardflow dev` as a user would and collects its output and exit code. */
function startDev(args: string[], env: NodeJS.ProcessEnv): Run {
  const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'dev', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return {
    code: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
    out: () => out,
    signal: (s) => child.kill(s),
  };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Pids whose command line names `text` (Linux /proc), other than this process. */
const mentioning = (text: string): number[] =>
  readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e) && Number(e) !== process.pid)
    .filter((e) => {
      try {
        return readFileSync(`/proc/${e}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);

/** Children of `pid` (Linux /proc). */
const childrenOf = (pid: number): number[] => {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((t) =>
      readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8')
        .split(' ')
        .filter(Boolean)
        .map(Number),
    );
  } catch {
    return [];
  }
};

const withoutEndpoints = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_ENDPOINT_URL')),
  );

describe('shardflow dev', () => {
  it('runs producers and two workers with a live view, and drains cleanly on SIGHUP', async () => {
    const app = uniqueName('dev');
    const dev = startDev(['--duration', '90', '--rate', '40', '--devices', '4'], {
      ...process.env,
      SHARDFLOW_APP: app,
      SHARDFLOW_SHARDS: '2',
    });
    // wait until a live line shows each worker holding a lease (real balancing between processes)
    const deadline = Date.now() + 45_000;
    const balanced = () =>
      dev
        .out()
        .split('\n')
        .some((l) => /leases .*dev-worker-1/.test(l) && /leases .*dev-worker-2/.test(l));
    while (!balanced() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(dev.out()).toContain(`using the endpoints from the environment (stream ${app}`);
    expect(balanced()).toBe(true);
    dev.signal('SIGHUP');
    const code = await dev.code;
    const out = dev.out();
    const pids = [...out.matchAll(/dev-worker-\d \(pid (\d+)\)/g)].map((m) => Number(m[1]));
    expect(pids).toHaveLength(2);
    const live = out.split('\n').filter((l) => /^\[dev\] \d+s in \d+\/s out \d+\/s/.test(l));
    expect(live.length).toBeGreaterThanOrEqual(2);
    const summary =
      /summary: produced (\d+) records \((\d+) failed\).* consumed (\d+), results durable (\d+) \((\d+) not durable\).*leases: (yes|no) — (OK|NOT OK)/.exec(
        out,
      );
    expect(summary).not.toBeNull();
    const [, produced, failed, consumed, durable, notDurable] = summary!.slice(0, 6).map(Number);
    expect(produced).toBeGreaterThan(0);
    expect(failed).toBe(0);
    expect(consumed).toBeGreaterThanOrEqual(produced!);
    expect(durable).toBeGreaterThan(0);
    expect(notDurable).toBe(0);
    expect(summary![6]).toBe('yes');
    expect(summary![7]).toBe('OK');
    expect(code).toBe(0);
    expect(pids.filter(alive)).toEqual([]);
  }, 90_000);

  it('starts its own local cloud without endpoints, ends after --duration with exit 0', async () => {
    // --duration counts from the dashboard line: 6 s leave the two requests below ample time,
    // and the workers' catch-up after it waits as long as they need (it was 12 s)
    const dev = startDev(['--duration', '6', '--rate', '30', '--devices', '3'], {
      ...withoutEndpoints(),
      SHARDFLOW_SHARDS: '2',
    });
    // the dashboard's URL is printed, and the page and the API answer while dev runs
    let dashboard: RegExpExecArray | null = null;
    for (const end = Date.now() + 40_000; !dashboard && Date.now() < end;)
      if (
        !(dashboard = /\[dev\] dashboard: (http:\/\/127\.0\.0\.1:\d+)\/#key=(\w+)/.exec(dev.out()))
      )
        await new Promise((r) => setTimeout(r, 200));
    const [, base = '', key = ''] = dashboard ?? [];
    expect((await fetch(`${base}/`)).headers.get('content-type')).toMatch(/^text\/html/);
    const sensors = await fetch(`${base}/sensorsdata/sensors`, { headers: { 'x-api-key': key } });
    expect(sensors.status).toBe(200);
    const code = await dev.code;
    const out = dev.out();
    expect(out).toContain('starting the embedded local cloud');
    expect(out).toContain('duration reached: stopping');
    expect(out).toMatch(/summary: produced [1-9]\d* records \(0 failed\).*— OK/);
    const pids = [...out.matchAll(/dev-worker-\d \(pid (\d+)\)/g)].map((m) => Number(m[1]));
    expect(pids).toHaveLength(2);
    expect(pids.filter(alive)).toEqual([]);
    expect(code).toBe(0);
  }, 60_000);

  it('killed with SIGKILL, leaves no worker, no emulator and no temporary folder behind', async () => {
    const dev = startDev(['--rate', '20', '--devices', '2'], {
      ...withoutEndpoints(),
      SHARDFLOW_SHARDS: '2',
    });
    const deadline = Date.now() + 50_000;
    const workersUp = () => /dev-worker-2 \(pid \d+\)/.test(dev.out());
    // a worker holds a lease: read in dev's own lease table as soon as it is taken (the live
    // line that shows it comes only every 5 s)
    const leaseTable = loadConfig(withoutEndpoints()).leaseTableName;
    let own: AwsClients | undefined;
    const leased = async () => {
      const dynamodb = /local cloud up: .*dynamodb=(\S+)/.exec(dev.out())?.[1];
      if (!dynamodb || !workersUp()) return false;
      own ??= createAwsClients(
        loadConfig({ ...withoutEndpoints(), AWS_ENDPOINT_URL_DYNAMODB: dynamodb }),
        { maxAttempts: 1, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } },
      );
      const items = await own.dynamodb
        .send(new ScanCommand({ TableName: leaseTable }))
        .then((o) => o.Items ?? [])
        .catch(() => []); // the workers create the table
      return items.some((i) => /^dev-worker-\d$/.test(i.leaseOwner?.S ?? ''));
    };
    let held = false;
    while (!(held = await leased()) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 250));
    own?.destroy();
    expect(held).toBe(true);
    const folder = /local cloud up: .* \(folder (\S+)\)/.exec(dev.out())?.[1];
    expect(folder).toBeDefined();
    const guards = [...dev.out().matchAll(/dev-worker-\d \(pid (\d+)\)/g)].map((m) => Number(m[1]));
    const workers = guards.flatMap(childrenOf);
    expect(workers).toHaveLength(2);
    expect(mentioning(folder!).length).toBeGreaterThan(0); // the emulators
    dev.signal('SIGKILL');
    await dev.code;
    const killed = Date.now();
    const gone = async (check: () => boolean, ms: number) => {
      while (!check() && Date.now() - killed < ms) await new Promise((r) => setTimeout(r, 100));
      return (Date.now() - killed) / 1000;
    };
    // workers: no drain into a cloud that died with dev (was 7–14 s)
    const workersGone = await gone(() => [...guards, ...workers].every((p) => !alive(p)), 20_000);
    expect([...guards, ...workers].filter(alive)).toEqual([]);
    expect(workersGone).toBeLessThan(5);
    await gone(() => mentioning(folder!).length === 0 && !existsSync(folder!), 20_000);
    expect(mentioning(folder!)).toEqual([]);
    expect(existsSync(folder!)).toBe(false);
  }, 90_000);

  it('rejects bad configuration with one line naming the field', async () => {
    const dev = startDev(['--duration', '1'], { ...withoutEndpoints(), AWS_REGION: 'moon-1a' });
    const code = await dev.code;
    expect(dev.out().trim()).toBe(
      'shardflow: invalid configuration: region (from AWS_REGION): is not an AWS region name such as eu-west-1 (got "moon-1a")',
    );
    expect(code).toBe(1);
  });
});
