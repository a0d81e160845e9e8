// @ts-check
/**
 * @module localstack/dir-janitor
 * Removes the local cloud's temporary folder when its owner is gone, even if the owner was
 * killed with SIGKILL and could not clean up: the owner holds this process's stdin open;
 * when it closes, the janitor waits until no other process names the folder in its command
 * line (the emulators and their guards all do, and stop within their grace period), then
 * removes it. Where `/proc` is missing it waits a fixed time instead.
 *
 * Usage: node dir-janitor.mjs <dir>
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';

const [dir] = process.argv.slice(2);
if (!dir) {
  process.stderr.write('usage: dir-janitor <dir>\n');
  process.exit(2);
}
const WAIT_MS = Number(process.env.JANITOR_MAX_WAIT_MS ?? 20_000);

/** True while another process has `dir` in its command line. */
const inUse = () => {
  if (!existsSync('/proc')) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(dir)) return true;
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return false;
};

const sweep = async () => {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const busy = inUse();
    if (busy === false || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, busy === undefined ? WAIT_MS / 4 : 100));
  }
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};

process.stdin.on('end', sweep);
process.stdin.on('error', sweep);
process.stdin.resume();
