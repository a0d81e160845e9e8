/**
 * @module cli/program
 * The `shardflow` command tree, built without running anything (so tests can inspect it):
 * every command registers itself from `commands/`, errors are routed to the one printing
 * path (`runCli`), and `--version` prints the package version.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { registerApi } from './commands/api.js';
import { registerConsume } from './commands/consume.js';
import { registerDev } from './commands/dev.js';
import { registerExport } from './commands/export.js';
import { registerMqtt } from './commands/mqtt.js';
import { registerBatchScore } from './commands/batch-score.js';
import { registerProduce } from './commands/produce.js';
import { registerReplay } from './commands/replay.js';
import { routeErrors } from './commands/run-cli.js';
import { registerTrain } from './commands/train.js';

/**
 * The version in shardflow's `package.json`, found by walking up from this module (the
 * source tree and the compiled `dist/` sit at different depths).
 */
export function packageVersion(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'shardflow' && pkg.version) return pkg.version;
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}

/** Builds the `shardflow` program with every command. */
export function buildProgram(): Command {
  const program = routeErrors(new Command('shardflow'))
    .description('streaming dataflow on Amazon Kinesis: produce, consume, score, forecast')
    .version(packageVersion(), '-V, --version', 'print the shardflow version');
  registerDev(program);
  registerConsume(program);
  registerReplay(program);
  registerProduce(program);
  registerTrain(program);
  registerExport(program);
  registerMqtt(program);
  registerBatchScore(program);
  registerApi(program);
  return program;
}
