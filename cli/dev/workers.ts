/**
 * @module cli/dev/workers
 * The consumer workers of `shardflow dev`: child processes of `shardflow consume --pipeline
 * both`, exactly what a container runs, so leases are really balanced between processes and a
 * stop is the real SIGTERM drain. Each gets its own worker id and health/metrics port.
 * Invariant: `stop()` resolves only when every child has exited (none is left behind); a
 * child that outlives the drain deadline plus a grace period is SIGKILLed.
 */
import type { ChildProcess } from 'node:child_process';
import { ConfigError } from '../../core/index.js';
import { freePort } from '../../localstack/index.js';
import { spawnWorkerProcess } from './worker-process.js';

/** Options of {@link startDevWorkers}. */
export interface DevWorkersOptions {
  /** Environment of the children (endpoints, credentials, SHARDFLOW_APP …). */
  readonly env: NodeJS.ProcessEnv;
  /** Number of workers; default 2. */
  readonly count?: number;
  /** Seconds a worker may take to drain before it is killed; default 10. */
  readonly drainDeadlineSeconds?: number;
  /** Called with each line a worker writes to stderr (warnings and errors). */
  readonly onLog?: (workerId: string, line: string) => void;
  /**
   * Milliseconds a worker gets to drain when `dev` itself died (its guard's stdin closed)
   * before it is killed; default: the same as a normal stop. Short when the local cloud died
   * with `dev`: there is nothing left to drain into.
   */
  readonly orphanGraceMs?: number;
}

/** One running worker. */
export interface DevWorker {
  readonly id: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Exit code (null while running or when killed by a signal). */
  exitCode(): number | null;
  readonly exited: Promise<void>;
}

/** Running workers. */
export interface DevWorkers {
  readonly workers: readonly DevWorker[];
  /** SIGTERMs every worker and waits for all to exit; true when all exited with 0. */
  stop(): Promise<boolean>;
}

/** Spawns the workers (they start in the background; see module doc). */
export async function startDevWorkers(options: DevWorkersOptions): Promise<DevWorkers> {
  const { env, count = 2, drainDeadlineSeconds = 10, onLog, orphanGraceMs } = options;
  if (!Number.isInteger(count) || count < 1)
    throw new ConfigError('count', 'must be an integer ≥ 1');
  const workers: DevWorker[] = [];
  for (let i = 0; i < count; i += 1) {
    const id = `dev-worker-${i + 1}`;
    const port = await freePort();
    // Under the child guard, in its own process group: if dev dies (even SIGKILL) the guard
    // stops the worker, and a Ctrl-C reaches dev only, which then stops producers first.
    const child = spawnWorkerProcess({
      id,
      port,
      env: {
        ...env,
        SHARDFLOW_FAILOVER_MS: env.SHARDFLOW_FAILOVER_MS ?? '3000',
        LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
      },
      drainDeadlineSeconds,
      ...(orphanGraceMs === undefined ? {} : { orphanGraceMs }),
      cwd: process.cwd(),
      output: ['ignore', 'pipe'],
    });
    let tail = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      const lines = (tail + chunk.toString()).split('\n');
      tail = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) onLog?.(id, line);
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    workers.push({ id, port, child, exited, exitCode: () => child.exitCode });
  }
  return {
    workers,
    async stop() {
      await Promise.all(
        workers.map(async (w) => {
          if (w.child.exitCode !== null || w.child.signalCode !== null) return;
          w.child.kill('SIGTERM');
          const killer = setTimeout(
            () => w.child.kill('SIGKILL'),
            (drainDeadlineSeconds + 5) * 1000,
          );
          await w.exited;
          clearTimeout(killer);
        }),
      );
      return workers.every((w) => w.child.exitCode === 0);
    },
  };
}
