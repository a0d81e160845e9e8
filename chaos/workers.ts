/**
 * @module chaos/workers
 * The workers under test: `shardflow consume --pipeline both [--remote-rcf]` child
 * processes, exactly what `npm run dev` and a container run, each under the local cloud's
 * child guard (so none outlives the suite, even if the suite is SIGKILLed). A slot can be
 * SIGKILLed — the worker process itself, not its guard — and restarted as a new incarnation
 * with a new worker id, as an orchestrator would replace a crashed task. Invariant: `stop()`
 * resolves only when every incarnation has exited.
 */
import type { ChildProcess } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnWorkerProcess } from '../cli/dev/worker-process.js';
import { freePort } from '../localstack/index.js';

/** One worker process. */
export interface Incarnation {
  readonly id: string;
  readonly slot: number;
  readonly port: number;
  readonly guard: ChildProcess;
  readonly startedAt: number;
  /** Exit code of the worker (via its guard); null while running or when killed. */
  exitCode(): number | null;
  readonly exited: Promise<void>;
  killed: boolean;
}

/** Options of {@link startWorkers}. */
export interface WorkersOptions {
  readonly count: number;
  readonly env: NodeJS.ProcessEnv;
  /** Extra `consume` arguments, e.g. `--remote-rcf`. */
  readonly args: readonly string[];
  /** Where each incarnation's stderr goes (`<id>.log`). */
  readonly logDir: string;
  readonly drainDeadlineSeconds: number;
}

/** The worker slots. */
export interface Workers {
  /** Every incarnation so far, in start order. */
  readonly all: readonly Incarnation[];
  /** The running incarnation of each slot. */
  current(slot: number): Incarnation | undefined;
  /** SIGKILLs the worker process of a slot; resolves when it is gone. */
  kill(slot: number): Promise<Incarnation | undefined>;
  /** Starts a new incarnation in a slot. */
  restart(slot: number): Promise<Incarnation>;
  /** SIGTERMs every running worker; resolves with each one's exit code once all exited. */
  stop(): Promise<{ id: string; code: number | null }[]>;
  /** Last lines of an incarnation's log (for the report). */
  logTail(id: string, lines?: number): string;
}

const root = fileURLToPath(new URL('..', import.meta.url));

/** The worker process under a guard (the guard's only child), from /proc. */
function childPid(guardPid: number): number | undefined {
  try {
    const text = readFileSync(`/proc/${guardPid}/task/${guardPid}/children`, 'utf8').trim();
    const pid = Number(text.split(/\s+/)[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Starts `count` workers; see module doc. */
export async function startWorkers(options: WorkersOptions): Promise<Workers> {
  const { count, env, args, logDir, drainDeadlineSeconds } = options;
  const all: Incarnation[] = [];
  const slots: (Incarnation | undefined)[] = [];
  const generation: number[] = Array.from({ length: count }, () => 0);
  const spawnSlot = async (slot: number): Promise<Incarnation> => {
    generation[slot] = (generation[slot] ?? 0) + 1;
    const id = `chaos-w${slot + 1}-${generation[slot]}`;
    const port = await freePort();
    const log = openSync(join(logDir, `${id}.log`), 'a');
    const guard = spawnWorkerProcess({
      id,
      port,
      env,
      drainDeadlineSeconds,
      args,
      cwd: root,
      output: [log, log],
    });
    const exited = new Promise<void>((resolve) => guard.once('exit', () => resolve()));
    const inc: Incarnation = {
      id,
      slot,
      port,
      guard,
      startedAt: Date.now(),
      exitCode: () => guard.exitCode,
      exited,
      killed: false,
    };
    all.push(inc);
    slots[slot] = inc;
    return inc;
  };
  for (let i = 0; i < count; i += 1) await spawnSlot(i);
  const running = (w: Incarnation) => w.guard.exitCode === null && w.guard.signalCode === null;
  return {
    all,
    current: (slot) => slots[slot],
    async kill(slot) {
      const w = slots[slot];
      if (!w || !running(w)) return undefined;
      const pid = w.guard.pid === undefined ? undefined : childPid(w.guard.pid);
      w.killed = true;
      try {
        // the worker is its process group's leader (the guard starts it detached)
        if (pid !== undefined) process.kill(-pid, 'SIGKILL');
        else w.guard.kill('SIGKILL');
      } catch {
        w.guard.kill('SIGKILL');
      }
      await w.exited; // the guard exits when its child died
      return w;
    },
    restart: (slot) => spawnSlot(slot),
    async stop() {
      const live = all.filter(running);
      await Promise.all(
        live.map(async (w) => {
          w.guard.kill('SIGTERM');
          const killer = setTimeout(
            () => w.guard.kill('SIGKILL'),
            (drainDeadlineSeconds + 8) * 1000,
          );
          await w.exited;
          clearTimeout(killer);
        }),
      );
      return live.map((w) => ({ id: w.id, code: w.guard.exitCode }));
    },
    logTail(id, lines = 5) {
      try {
        return readFileSync(join(logDir, `${id}.log`), 'utf8')
          .trim()
          .split('\n')
          .slice(-lines)
          .join('\n');
      } catch {
        return '';
      }
    },
  };
}
