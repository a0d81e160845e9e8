/**
 * @module cli/cli
 * The `shardflow` command line. Each sub-command lives in `commands/` and registers
 * itself here; configuration comes from the environment and flags (core/config).
 */
import { Command } from 'commander';
import { registerDev } from './commands/dev.js';
import { registerConsume } from './commands/consume.js';
import { registerProduce } from './commands/produce.js';
import { registerReplay } from './commands/replay.js';
import { runCli } from './commands/run-cli.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const program = new Command('shardflow')
  .description('Streaming dataflow on Amazon Kinesis: produce, consume, score, forecast')
  .showHelpAfterError();
registerDev(program);
registerConsume(program);
registerReplay(program);
registerProduce(program);

await runCli(program);
