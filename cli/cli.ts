/**
 * @module cli/cli
 * Entry point of the `shardflow` command line (`npm run shardflow`, `npx shardflow`, the
 * worker container): builds the program (`program.ts`) and runs it through the one
 * error-printing path (`commands/run-cli.ts`).
 */
import { runCli } from './commands/run-cli.js';
import { buildProgram } from './program.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

await runCli(buildProgram());
