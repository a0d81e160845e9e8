/**
 * @module model-server/serve
 * Entry point of the model server container (compiled to `dist/model-server/serve.js`).
 * SageMaker starts a bring-your-own container as `<image> serve`; the optional `serve`
 * argument is accepted and ignored. Port: `SAGEMAKER_BIND_TO_PORT`, else `PORT`, else
 * 8080; models: `--model-dir`, else `SHARDFLOW_MODEL_DIR`, else `/opt/ml/model`; rows per
 * request: `--max-rows`, else `SHARDFLOW_MODEL_MAX_ROWS`, else 100,000; interface: `--host`,
 * else `SHARDFLOW_MODEL_SERVER_HOST` (the image sets `0.0.0.0`), else loopback.
 * Invariant: SIGTERM/SIGINT close the server before the process exits.
 */
import { createModelServer } from './server.js';

const args = process.argv.slice(2).filter((a) => a !== 'serve');
const flag = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};

const port = Number(
  flag('--port') ?? process.env.SAGEMAKER_BIND_TO_PORT ?? process.env.PORT ?? 8080,
);
const modelDir = flag('--model-dir') ?? process.env.SHARDFLOW_MODEL_DIR ?? '/opt/ml/model';
// loopback unless asked: the container image sets SHARDFLOW_MODEL_SERVER_HOST=0.0.0.0
const host = flag('--host') ?? process.env.SHARDFLOW_MODEL_SERVER_HOST ?? '127.0.0.1';
const maxRows = flag('--max-rows') ?? process.env.SHARDFLOW_MODEL_MAX_ROWS;

const server = await createModelServer({
  port,
  modelDir,
  host,
  ...(maxRows === undefined ? {} : { maxRows: Number(maxRows) }),
  onEvent: (event) => {
    if (event.type === 'model-server.listening')
      process.stdout.write(
        `${JSON.stringify({ msg: 'model server listening', port: event.port, modelDir })}\n`,
      );
  },
});

const stop = () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
