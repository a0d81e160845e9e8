/**
 * @module pipelines/commands/dev
 * `shardflow dev` (placeholder while the walking skeleton is written).
 */
import type { Command } from 'commander';

/** Registers `dev`. */
export function registerDev(program: Command): void {
  program.command('dev').action(() => {
    throw new Error('dev: not written yet');
  });
}
