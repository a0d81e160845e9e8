/**
 * @module localstack/model-server
 * The model server's slot in the embedded local cloud (service `sagemakerRuntime`): the
 * shardflow model server (`model-server/serve.ts` through tsx, or `dist/model-server/serve.js`
 * when compiled) as a guarded child process on a free loopback port, serving the models
 * shipped in `model-server/models/` (or `SHARDFLOW_MODEL_DIR`). Healthy once `GET /ping`
 * answers 200. Invariant: `stop` leaves neither process nor port behind (the guard's).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess } from './emulator-process.js';
import type { EmulatorDefinition, RunningEmulator } from './emulator-definition.js';
import { portFor } from './ports.js';

const here = dirname(fileURLToPath(import.meta.url));
const compiled = import.meta.url.endsWith('.js');
/** Repository root: `localstack/..` from source, `dist/localstack/../..` when compiled. */
const root = compiled ? join(here, '..', '..') : join(here, '..');

/** Where the local cloud's model server finds its models. */
export function localModelDir(): string {
  return process.env.SHARDFLOW_MODEL_DIR ?? join(root, 'model-server', 'models');
}

/** The local cloud's SageMaker Runtime: the shardflow model server. */
export const modelServerEmulator: EmulatorDefinition = {
  service: 'sagemakerRuntime',
  async start({ workDir, port }): Promise<RunningEmulator> {
    const chosen = await portFor('sagemakerRuntime', port);
    const logFile = join(workDir, 'model-server.log');
    const serveJs = join(root, 'dist', 'model-server', 'serve.js');
    const useJs = compiled && existsSync(serveJs);
    const child = startProcess({
      name: 'sagemakerRuntime',
      script: useJs ? serveJs : join(root, 'model-server', 'serve.ts'),
      args: [
        'serve',
        '--port',
        String(chosen),
        '--host',
        '127.0.0.1',
        '--model-dir',
        localModelDir(),
      ],
      nodeOptions: useJs ? [] : ['--import', 'tsx'],
      cwd: root,
      ports: [chosen],
      logFile,
    });
    const endpoint = `http://127.0.0.1:${chosen}`;
    return {
      service: 'sagemakerRuntime',
      endpoint,
      process: child,
      logFile,
      async healthy() {
        const res = await fetch(`${endpoint}/ping`);
        if (res.status !== 200) throw new Error(`model server /ping answered ${res.status}`);
        return res.status;
      },
    };
  },
};
