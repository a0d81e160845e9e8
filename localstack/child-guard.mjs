// @ts-check
/**
 * @module localstack/child-guard
 * Runs one emulator as a child and guarantees it dies with its owner: the owner holds
 * this process's stdin open, and when it closes — a clean stop, or the owner killed even
 * with SIGKILL — the emulator's whole process group gets SIGTERM, then SIGKILL after a
 * grace period (kinesis-local has been seen ignoring SIGTERM).
 *
 * Usage: node child-guard.mjs <logFile|-> <cwd> <command> [args...]
 * (`-` passes the child's stdout/stderr through; the guard exits with the child's exit code).
 * `GUARD_GRACE_MS` (default 3000) is the grace after SIGTERM; `GUARD_ORPHAN_GRACE_MS`
 * (default: the same) the grace when stdin closes, for owners whose death leaves nothing to
 * drain into (a `dev` worker whose local cloud died with it).
 */
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';

const [logFile, cwd, command, ...args] = process.argv.slice(2);
if (!logFile || !cwd || !command) {
  process.stderr.write('usage: child-guard <logFile> <cwd> <command> [args...]\n');
  process.exit(2);
}
const out = logFile === '-' ? 'inherit' : openSync(logFile, 'a');
const child = spawn(command, args, { cwd, stdio: ['ignore', out, out], detached: true });
const GRACE_MS = Number(process.env.GUARD_GRACE_MS ?? 3000);
const ORPHAN_GRACE_MS = Number(process.env.GUARD_ORPHAN_GRACE_MS ?? GRACE_MS);
let stopping = false;

/** @param {NodeJS.Signals} signal */
const signalGroup = (signal) => {
  try {
    if (child.pid !== undefined) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
};
/** @param {number} graceMs */
const stop = (graceMs = GRACE_MS) => {
  if (stopping) return;
  stopping = true;
  signalGroup('SIGTERM');
  setTimeout(() => {
    signalGroup('SIGKILL');
    process.exit(1); // it had to be killed
  }, graceMs).unref();
};
const orphaned = () => stop(ORPHAN_GRACE_MS);

child.on('exit', (code, signal) => {
  if (stopping) {
    signalGroup('SIGKILL');
    process.exit(code ?? 0);
  }
  process.stderr.write(`emulator ${command} exited (code ${code}, signal ${signal})\n`);
  process.exit(code ?? 1);
});
process.stdin.on('end', orphaned);
process.stdin.on('error', orphaned);
process.stdin.resume();
process.on('SIGTERM', () => stop());
process.on('SIGINT', () => stop());
process.on('SIGHUP', () => stop());
