/**
 * @module localstack/guarded-spawn
 * Spawns a Node script under the child guard (`child-guard.mjs`): the guard holds our pipe as
 * its stdin, so when we die (even by SIGKILL) it stops the script's whole process group;
 * SIGTERM to the guard stops the script and the guard exits with its exit code. The one way
 * the local cloud's emulators, `dev`'s workers and the chaos suite's workers are started.
 */
import { spawn, type ChildProcess, type IOType } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const GUARD = fileURLToPath(new URL('./child-guard.mjs', import.meta.url));

/** What to run under the guard. */
export interface GuardedScript {
  /** The script's output: a log file the guard appends to, or `-` for the guard's own stdio. */
  readonly logFile: string;
  /** The script's working directory. */
  readonly cwd: string;
  readonly script: string;
  readonly args?: readonly string[];
  /** `node` flags before the script, e.g. `--import tsx`. */
  readonly nodeOptions?: readonly string[];
  /** The guard's (and so the script's) whole environment. */
  readonly env: NodeJS.ProcessEnv;
  /** The guard's stdout and stderr. */
  readonly output: readonly [IOType | number, IOType | number];
}

/**
 * Starts `spec` under the guard, in its own process group; the guard's stdin (our pipe) does
 * not keep this process alive. Stop it with SIGTERM to the guard, or by closing its stdin.
 */
export function spawnGuarded(spec: GuardedScript): ChildProcess {
  const guard = spawn(
    process.execPath,
    [
      GUARD,
      spec.logFile,
      spec.cwd,
      process.execPath,
      ...(spec.nodeOptions ?? []),
      spec.script,
      ...(spec.args ?? []),
    ],
    { stdio: ['pipe', ...spec.output], detached: true, env: spec.env },
  );
  (guard.stdin as (NodeJS.WritableStream & { unref?: () => void }) | null)?.unref?.();
  return guard;
}
