/**
 * @module cli/commands/run-cli
 * Runs a commander program and turns shardflow errors into a one-line message and a
 * non-zero exit code, never a stack trace (set `SHARDFLOW_DEBUG=1` for one).
 */
import type { Command } from 'commander';
import { ShardflowError } from '../../core/index.js';

/** Parses `argv` and runs the chosen command; exits 1 with one line on failure. */
export async function runCli(
  program: Command,
  argv: readonly string[] = process.argv,
): Promise<void> {
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (process.env.SHARDFLOW_DEBUG) console.error(error);
    const message =
      error instanceof ShardflowError || !(error instanceof Error)
        ? String((error as Error).message ?? error)
        : `${error.name}: ${error.message}`;
    process.stderr.write(`${program.name()}: ${message}\n`);
    process.exitCode = 1;
  }
}
