/**
 * @module cli/dev/worker-process
 * One consumer worker process, `shardflow consume --pipeline both`, exactly what a container
 * runs, under the local cloud's child guard (so it never outlives its owner): its worker id,
 * health/metrics port and drain deadline in its environment. Started by `dev` and by the
 * chaos suite.
 */
import type { ChildProcess, IOType } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { spawnGuarded } from '../../localstack/index.js';

const CLI = fileURLToPath(new URL('../cli.ts', import.meta.url));

/** Options of {@link spawnWorkerProcess}. */
export interface WorkerProcessOptions {
  /** `SHARDFLOW_WORKER_ID`. */
  readonly id: string;
  /** `SHARDFLOW_HTTP_PORT` (`/healthz`, `/metrics`). */
  readonly port: number;
  /** Environment of the worker (endpoints, credentials, SHARDFLOW_APP …). */
  readonly env: NodeJS.ProcessEnv;
  /** Seconds the worker may drain after SIGTERM; its guard kills it 5 s after that. */
  readonly drainDeadlineSeconds: number;
  /** Extra `consume` arguments, e.g. `--remote-rcf`. */
  readonly args?: readonly string[];
  /** Milliseconds to drain when the owner died (the guard's stdin closed); default the same. */
  readonly orphanGraceMs?: number;
  /** The worker's working directory. */
  readonly cwd: string;
  /** The guard's stdout and stderr (the worker's output passes through the guard). */
  readonly output: readonly [IOType | number, IOType | number];
}

/** Starts a worker (see module doc); the returned process is its guard. */
export function spawnWorkerProcess(options: WorkerProcessOptions): ChildProcess {
  const { id, port, env, drainDeadlineSeconds, args = [], orphanGraceMs, cwd, output } = options;
  return spawnGuarded({
    logFile: '-',
    cwd,
    nodeOptions: ['--import', 'tsx'],
    script: CLI,
    args: ['consume', '--pipeline', 'both', ...args],
    env: {
      GUARD_GRACE_MS: String((drainDeadlineSeconds + 5) * 1000),
      ...(orphanGraceMs === undefined ? {} : { GUARD_ORPHAN_GRACE_MS: String(orphanGraceMs) }),
      ...env,
      SHARDFLOW_WORKER_ID: id,
      SHARDFLOW_HTTP_PORT: String(port),
      SHARDFLOW_DRAIN_DEADLINE_SECONDS: String(drainDeadlineSeconds),
    },
    output,
  });
}
