/**
 * The model server's entry point, started as a process the way a developer runs it
 * (`npx tsx model-server/serve.ts`): it listens on loopback only unless told otherwise
 * (the container image sets `SHARDFLOW_MODEL_SERVER_HOST=0.0.0.0` for SageMaker).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { listeningAddresses } from '../test/listening.js';

const root = fileURLToPath(new URL('..', import.meta.url));

async function serveAndLook(host?: string): Promise<string[]> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.SHARDFLOW_MODEL_SERVER_HOST;
  if (host) env.SHARDFLOW_MODEL_SERVER_HOST = host;
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'model-server/serve.ts',
      '--port',
      '0',
      '--model-dir',
      'model-server/models',
    ],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise((r) => child.on('exit', r));
  try {
    let out = '';
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /"port":(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.on('exit', () => reject(new Error(`model server exited: ${out}`)));
    });
    return listeningAddresses(port);
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

describe('model-server/serve', () => {
  it('listens on loopback by default', async () => {
    expect(await serveAndLook()).toEqual(['127.0.0.1']);
  });

  it('listens on every interface when the container asks for it', async () => {
    expect(await serveAndLook('0.0.0.0')).toEqual(['0.0.0.0']);
  });
});
