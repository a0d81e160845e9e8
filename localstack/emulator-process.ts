/**
 * @module localstack/emulator-process
 * Starts one emulator as a guarded child process (see `child-guard.mjs`) and stops it
 * so that neither process nor port is left behind.
 */
import { ShardflowError } from '../core/index.js';
import { spawnGuarded } from './guarded-spawn.js';
import { isListening } from './ports.js';

/** What to run: a Node script of an emulator package, with its working directory. */
export interface ProcessSpec {
  /** Short service name for messages, e.g. `kinesis`. */
  readonly name: string;
  readonly script: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Extra `node` flags, e.g. `--openssl-legacy-provider`. */
  readonly nodeOptions?: readonly string[];
  /** Ports the process listens on (all are checked closed after stop). */
  readonly ports: readonly number[];
  readonly logFile: string;
}

/** A running emulator process. */
export interface EmulatorProcess {
  readonly name: string;
  /** Process id of the guard (the emulator runs in its own group below it). */
  readonly pid: number;
  /** True once the process has exited (crashed, or stopped). */
  hasExited(): boolean;
  /** Stops the emulator; resolves when the guard exited and every port is closed. */
  stop(): Promise<void>;
}

/** Starts `spec` under the guard. The returned handle must be stopped. */
export function startProcess(spec: ProcessSpec): EmulatorProcess {
  const { logFile, cwd, script, args, nodeOptions } = spec;
  const guard = spawnGuarded({
    logFile,
    cwd,
    script,
    args,
    nodeOptions,
    env: { ...process.env, ...spec.env },
    output: ['ignore', 'inherit'],
  });
  guard.unref();
  let gone = false;
  const exited = new Promise<void>((resolve) => {
    guard.once('exit', () => {
      gone = true;
      resolve();
    });
  });
  if (guard.pid === undefined) {
    throw new ShardflowError('EMULATOR_START_FAILED', `could not start ${spec.name}`);
  }
  const pid = guard.pid;
  return {
    name: spec.name,
    pid,
    hasExited: () => gone,
    async stop() {
      guard.ref();
      guard.stdin?.end();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), 8_000);
      });
      const outcome = await Promise.race([exited, timeout]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      for (let i = 0; i < 50; i += 1) {
        const open = await Promise.all(spec.ports.map((p) => isListening(p)));
        if (!open.some(Boolean)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new ShardflowError(
        'EMULATOR_STOP_FAILED',
        `${spec.name} still holds its port after stop`,
      );
    },
  };
}

/** Polls `check` until it resolves, or throws naming the service after `timeoutMs`. */
export async function waitHealthy(
  name: string,
  check: () => Promise<unknown>,
  timeoutMs = 30_000,
  logFile?: string,
  hasExited: () => boolean = () => false,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (hasExited()) {
      throw new ShardflowError(
        'EMULATOR_EXITED',
        `${name} exited during start-up${logFile ? `; see ${logFile}` : ''}`,
      );
    }
    try {
      await check();
      return;
    } catch (error) {
      last = error;
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  const why = last instanceof Error ? last.message : String(last);
  throw new ShardflowError(
    'EMULATOR_UNHEALTHY',
    `${name} did not become healthy within ${timeoutMs} ms (${why})${logFile ? `; see ${logFile}` : ''}`,
  );
}
