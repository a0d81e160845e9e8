// @ts-check
/**
 * Jest global set-up of the integration project: one embedded local cloud for the whole
 * run, started through the real `local-cloud` CLI as a child process. Its endpoint
 * variables go into `process.env`, which the test workers inherit.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export default async function globalSetup() {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', `${root}localstack/cli.ts`, '--json', '--no-bootstrap'],
    { stdio: ['ignore', 'pipe', 'inherit'], cwd: root },
  );
  /** @type {{ env: Record<string, string>, pids: number[] }} */
  const info = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('local cloud did not start in 60 s')), 60_000);
    child.stdout.on('data', (chunk) => {
      out += String(chunk);
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local cloud exited with code ${code} before it was ready`));
    });
  });
  Object.assign(process.env, info.env, { SHARDFLOW_LOCAL_CLOUD_PIDS: info.pids.join(',') });
  /** @type {Record<string, unknown>} */ (globalThis).__shardflowCloud = child;
}
