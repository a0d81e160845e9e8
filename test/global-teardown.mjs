// @ts-check
/** Jest global tear-down of the integration project: stops the shared local cloud. */
export default async function globalTeardown() {
  const child = /** @type {import('node:child_process').ChildProcess | undefined} */ (
    /** @type {Record<string, unknown>} */ (globalThis).__shardflowCloud
  );
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}
