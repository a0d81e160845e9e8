/**
 * @module cli/commands/run-cli
 * The one error-printing path of every `shardflow` command: parses `argv`, runs the chosen
 * command, and turns any failure — a usage error commander found, an error a command threw,
 * an unhandled rejection or exception later on — into one line `shardflow: <what>` (no class
 * name, no stack; `SHARDFLOW_DEBUG=1` adds the stack) and exit code 1. `--help` and
 * `--version` exit 0.
 */
import { CommanderError, type Command } from 'commander';
import { errorLine } from '../error-line.js';

/** Where `runCli` writes and how it ends the process (injectable for tests). */
export interface CliIo {
  readonly stderr: { write(text: string): unknown };
  /** Sets the exit code when the command fails. */
  readonly fail: (code: number) => void;
  /** Stack traces as well (default: `SHARDFLOW_DEBUG` set). */
  readonly debug?: boolean;
}

const processIo: CliIo = {
  stderr: process.stderr,
  fail: (code) => {
    process.exitCode = code;
  },
  debug: Boolean(process.env.SHARDFLOW_DEBUG),
};

/**
 * Makes `program` and every sub-command registered after this call throw instead of
 * printing and exiting, so {@link runCli} prints every error the same way. Call it before
 * registering commands (commander copies these settings to sub-commands when created).
 */
export function routeErrors(program: Command): Command {
  return program.exitOverride().configureOutput({ outputError: () => undefined });
}

/** Prints `error` as the CLI's one line (and the stack in debug mode). */
export function reportError(name: string, error: unknown, io: CliIo = processIo): void {
  if (io.debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  const text =
    error instanceof CommanderError ? error.message.replace(/^error: /, '') : errorLine(error);
  io.stderr.write(`${name}: ${text}\n`);
  io.fail(error instanceof CommanderError && error.exitCode > 0 ? error.exitCode : 1);
}

/** Parses `argv` and runs the chosen command; any failure is one line and exit code 1. */
export async function runCli(
  program: Command,
  argv: readonly string[] = process.argv,
  io: CliIo = processIo,
): Promise<void> {
  const late = (error: unknown) => {
    reportError(program.name(), error, io);
    process.exit(1);
  };
  if (io === processIo) {
    process.on('unhandledRejection', late);
    process.on('uncaughtException', late);
  }
  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    // --help and --version end commander's parse with a "error" whose exit code is 0.
    if (error instanceof CommanderError && error.exitCode === 0) return;
    // a command group without its sub-command: commander printed the help already
    if (error instanceof CommanderError && error.code === 'commander.help') return io.fail(1);
    reportError(program.name(), error, io);
  }
}
